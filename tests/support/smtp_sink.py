"""A minimal SMTP sink in Python (asyncio, standard library only), for the outbox benchmark:
an SMTP server of another make, whose own ceiling the benchmark measures in the same run.

    python3 tests/support/smtp_sink.py PORT

It accepts every message and answers `XCOUNT` with `250 <messages> <bytes>`.
"""

import asyncio
import sys

count = 0
size = 0


async def serve(reader, writer):
    global count, size
    writer.write(b"220 pysink ESMTP ready\r\n")
    await writer.drain()
    while True:
        line = await reader.readline()
        if not line:
            break
        upper = line.strip().upper()
        if upper.startswith(b"EHLO"):
            writer.write(b"250-pysink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
        elif upper == b"DATA":
            writer.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            await writer.drain()
            received = 0
            while True:
                data = await reader.readline()
                if not data or data in (b".\r\n", b".\n"):
                    break
                received += len(data)
            count += 1
            size += received
            writer.write(b"250 OK queued\r\n")
        elif upper == b"XCOUNT":
            writer.write(b"250 %d %d\r\n" % (count, size))
        elif upper.startswith(b"QUIT"):
            writer.write(b"221 Bye\r\n")
            await writer.drain()
            break
        else:
            writer.write(b"250 OK\r\n")
        await writer.drain()
    writer.close()


async def main(port):
    server = await asyncio.start_server(serve, "127.0.0.1", port, backlog=512)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
