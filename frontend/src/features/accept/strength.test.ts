import { describe, expect, it } from "vitest";
import { estimate } from "./strength";

describe("the password estimate", () => {
  it("finds a common password weak, with the reason, and a passphrase strong", () => {
    const common = estimate("password123456", []);
    expect(common.score).toBeLessThan(3);
    expect(common.warning).toBe("This is similar to a commonly used password.");
    expect(estimate("plum-violin-91-sofa", []).score).toBeGreaterThanOrEqual(3);
  });
});
