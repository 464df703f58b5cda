"""Test helper: a pseudo-terminal whose other end is a TCP connection.

slcanClient.test.ts uses it to drive SlcanClientController through a real tty and the
serialport binding (as with a USB-CAN adapter) while the adapter is the virtual bus's
SLCAN endpoint. Usage: /usr/bin/python3 ptyBridge.py PORT ; prints the tty path.
"""
import os, select, socket, sys, tty

master, slave = os.openpty()
tty.setraw(slave)
sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print(os.ttyname(slave), flush=True)
while True:
    r, _, _ = select.select([master, sock, sys.stdin], [], [])
    if sys.stdin in r and not sys.stdin.read(1):
        break
    if master in r:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        sock.sendall(data)
    if sock in r:
        data = sock.recv(4096)
        if not data:
            break
        os.write(master, data)
