/**
 * A minimal Language Server Protocol client over stdio, for driving a real yaml-language-server: JSON-RPC messages
 * framed by Content-Length headers, requests with a timeout, the server's own requests answered, notifications kept.
 */
import type { Subprocess } from "bun";

type Message = { id?: number; method?: string; params?: any; result?: any; error?: { message: string } };

export class LanguageClient {
  private buffer = new Uint8Array(0);
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();
  private readonly waiting: { test: (message: Message) => boolean; resolve: (message: Message) => void }[] = [];
  /** Every notification the server sent, in order. */
  readonly notifications: Message[] = [];
  /** What the server wrote on stderr (for failure messages). */
  stderr = "";

  constructor(
    private readonly server: Subprocess<"pipe", "pipe", "pipe">,
    /** Answers the server's `workspace/configuration` items by section. */
    private readonly settings: Record<string, unknown>,
  ) {
    void this.read();
    void (async () => {
      for await (const chunk of server.stderr) this.stderr += new TextDecoder().decode(chunk);
    })();
  }

  /** Sends a request and waits for its answer, at most `timeoutMs`. */
  request(method: string, params: unknown, timeoutMs = 10_000): Promise<any> {
    const id = ++this.nextId;
    this.send({ jsonrpc: "2.0", id, method, params });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to ${method} within ${timeoutMs} ms; server stderr: ${this.stderr.slice(-2000)}`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: "2.0", method, params });
  }

  /** The first notification (already received or to come) that passes `test`, within `timeoutMs`. */
  notification(test: (message: Message) => boolean, timeoutMs = 10_000): Promise<Message> {
    const found = this.notifications.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such notification within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push({ test, resolve: (message) => (clearTimeout(timer), resolve(message)) });
    });
  }

  private send(message: object): void {
    const body = new TextEncoder().encode(JSON.stringify(message));
    this.server.stdin.write(new TextEncoder().encode(`Content-Length: ${body.length}\r\n\r\n`));
    this.server.stdin.write(body);
    void this.server.stdin.flush();
  }

  private async read(): Promise<void> {
    for await (const chunk of this.server.stdout) {
      const joined = new Uint8Array(this.buffer.length + chunk.length);
      joined.set(this.buffer);
      joined.set(chunk, this.buffer.length);
      this.buffer = joined;
      for (let message = this.take(); message; message = this.take()) this.handle(message);
    }
  }

  /** One whole message off the front of the buffer, if there is one. */
  private take(): Message | undefined {
    const headerEnd = indexOf(this.buffer, "\r\n\r\n");
    if (headerEnd < 0) return undefined;
    const header = new TextDecoder().decode(this.buffer.subarray(0, headerEnd));
    const length = Number(/Content-Length: *(\d+)/i.exec(header)?.[1]);
    const start = headerEnd + 4;
    if (this.buffer.length < start + length) return undefined;
    const body = new TextDecoder().decode(this.buffer.subarray(start, start + length));
    this.buffer = this.buffer.slice(start + length);
    return JSON.parse(body) as Message;
  }

  private handle(message: Message): void {
    if (message.method === undefined && message.id !== undefined) {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) pending?.reject(new Error(message.error.message));
      else pending?.resolve(message.result);
    } else if (message.method !== undefined && message.id !== undefined) {
      // The server asks: its settings by section, and null for the rest (capability registrations, progress).
      const result =
        message.method === "workspace/configuration"
          ? (message.params.items as { section?: string }[]).map((item) => this.settings[item.section ?? ""] ?? null)
          : null;
      this.send({ jsonrpc: "2.0", id: message.id, result });
    } else {
      this.notifications.push(message);
      for (const waiter of this.waiting.filter((w) => w.test(message))) {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  }
}

function indexOf(bytes: Uint8Array, text: string): number {
  const needle = new TextEncoder().encode(text);
  outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
