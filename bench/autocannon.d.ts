// The part of autocannon's programmatic API the benchmark uses (the package ships no types).
declare module 'autocannon' {
  namespace autocannon {
    type Options = { url: string; method?: string; body?: string; connections?: number; duration?: number; headers?: Record<string, string> };
    type Result = {
      requests: { average: number; total: number };
      latency: { p50: number; p99: number };
      non2xx: number;
      '2xx': number;
      '4xx': number;
      '5xx': number;
      errors: number;
      timeouts: number;
    };
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export = autocannon;
}
