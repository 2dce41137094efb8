//! What a process has used so far, from `/proc` (Linux): for the benchmarks' reports.

/// Which process: this one, or another by its id.
#[derive(Debug, Clone, Copy)]
pub enum Process {
    This,
    Id(u32),
}

impl Process {
    fn file(self, name: &str) -> String {
        let path = match self {
            Process::This => format!("/proc/self/{name}"),
            Process::Id(pid) => format!("/proc/{pid}/{name}"),
        };
        std::fs::read_to_string(path).unwrap_or_default()
    }

    /// The peak resident memory (VmHWM), in MiB.
    pub fn peak_rss_mib(self) -> f64 {
        self.file("status")
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }

    /// User + system CPU seconds so far.
    pub fn cpu_seconds(self) -> f64 {
        let stat = self.file("stat");
        // Fields after the command name (which may hold spaces) start at ") ".
        let fields: Vec<&str> = stat
            .rsplit_once(") ")
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        // utime and stime are fields 14 and 15 of the line, 11 and 12 after the command name;
        // the kernel counts in USER_HZ, 100 on Linux.
        (ticks(11) + ticks(12)) / 100.0
    }
}
