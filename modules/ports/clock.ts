/** Monotonic time port: milliseconds since an arbitrary origin, never going back. */
export interface Clock {
  nowMs(): number;
}
