/**
 * Byte links for SlcanClientController: a serial port (USB-CAN adapter such as
 * CANable or USBtin, /dev/ttyACM0) through the npm `serialport` package, or TCP
 * (the virtual bus's endpoint, or ser2net in front of an adapter).
 */
import net from "node:net";
import type { ByteLink } from "./slcanClient.ts";

/** Opens a TCP link; resolves once connected. */
export function tcpLink(host: string, port: number): Promise<ByteLink> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: host, port: port });
    sock.setNoDelay(true);
    sock.setEncoding("latin1");
    let cb: ((s: string) => void) | undefined;
    sock.on("data", (d: string) => {
      if (cb) cb(d);
    });
    sock.once("error", reject);
    sock.once("connect", () => {
      sock.off("error", reject);
      sock.on("error", () => sock.destroy());
      resolve({
        write: (s) => {
          if (!sock.destroyed) sock.write(s, "latin1");
        },
        onData: (f) => {
          cb = f;
        },
        close: () => sock.end(),
      });
    });
  });
}

/**
 * Opens a serial port. CDC-ACM adapters (CANable, USBtin) ignore the baud rate; real
 * UART adapters need theirs (115200 is the common SLCAN default).
 * Throws an Error that says what to do when the serialport native binding is missing.
 */
export async function serialLink(path: string, baudRate?: number): Promise<ByteLink> {
  let mod: typeof import("serialport");
  try {
    mod = await import("serialport");
  } catch (e) {
    throw new Error(
      "cannot load the npm 'serialport' package (" + (e as Error).message + "): run `npm install` in the repository; " +
        "on an architecture without a prebuilt binding, install python3, make and g++ first so it can compile",
    );
  }
  const port = new mod.SerialPort({ path: path, baudRate: baudRate !== undefined ? baudRate : 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((err) => (err ? reject(new Error("cannot open " + path + ": " + err.message + " (is the adapter plugged in, and are you in the dialout group?)")) : resolve())),
  );
  let cb: ((s: string) => void) | undefined;
  let closing = false;
  port.on("data", (d: Buffer) => {
    if (cb) cb(d.toString("latin1"));
  });
  // An unplugged adapter must not take the process down: report and stop writing.
  port.on("error", (e: Error) => {
    if (!closing) console.error("SLCAN serial " + path + ": " + e.message);
    closing = true;
  });
  return {
    write: (s) => {
      if (!closing && port.isOpen) port.write(Buffer.from(s, "latin1"));
    },
    onData: (f) => {
      cb = f;
    },
    close: () => {
      if (closing) return;
      closing = true;
      // Let the last command (C) reach the adapter before closing.
      port.drain(() => {
        if (port.isOpen) port.close();
      });
    },
  };
}
