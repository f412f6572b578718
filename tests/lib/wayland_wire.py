"""A Wayland client at the wire level, for tests that send what no toolkit
would: requests out of order, too many of them, a client gone mid-transfer.

Messages are built and read by hand (header: object id, then size << 16 |
opcode; arguments 32-bit words, strings length-prefixed, NUL-terminated and
padded to 4 bytes; fds beside the bytes). Only what the tests use is known.
"""
import array
import os
import socket
import struct

WL_DISPLAY = 1


def string(text):
    data = text.encode() + b"\0"
    return struct.pack("<I", len(data)) + data + b"\0" * (-len(data) % 4)


def uint(value):
    return struct.pack("<I", value)


class ProtocolError(Exception):
    pass


class Client:
    def __init__(self, runtime_dir, display):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(os.path.join(runtime_dir, display))
        self.sock.settimeout(10)
        self.next_id = 2
        self.buffer = b""
        self.fds = []
        self.events = []  # (object id, opcode, payload bytes, fds) not yet taken
        self.globals = {}  # interface -> (name, version)
        self.registry = self.new_id()
        self.request(WL_DISPLAY, 1, uint(self.registry))
        self.roundtrip()
        for obj, opcode, payload, _ in self.take(self.registry, 0):
            name, = struct.unpack_from("<I", payload)
            interface, at = self.read_string(payload, 4)
            self.globals[interface] = (name, struct.unpack_from("<I", payload, at)[0])

    def new_id(self):
        self.next_id += 1
        return self.next_id - 1

    def request(self, obj, opcode, args=b"", fds=()):
        header = struct.pack("<II", obj, (8 + len(args)) << 16 | opcode)
        ancillary = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
        try:
            self.sock.sendmsg([header + args], ancillary)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the compositor cut this client off: receive() reads why

    def bind(self, interface, version):
        name, _ = self.globals[interface]
        obj = self.new_id()
        self.request(self.registry, 0, uint(name) + string(interface) + uint(version) + uint(obj))
        return obj

    def read_string(self, payload, at):
        length, = struct.unpack_from("<I", payload, at)
        text = payload[at + 4:at + 4 + length - 1].decode()
        return text, at + 4 + length + (-length % 4)

    def receive(self):
        data, ancillary, _, _ = self.sock.recvmsg(65536, socket.CMSG_SPACE(28 * 4))
        if not data:
            raise ConnectionError("the compositor closed the connection")
        for level, kind, fd_bytes in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds = array.array("i")
                fds.frombytes(fd_bytes[:len(fd_bytes) - len(fd_bytes) % fds.itemsize])
                self.fds.extend(fds)
        self.buffer += data
        while len(self.buffer) >= 8:
            obj, word = struct.unpack_from("<II", self.buffer)
            size, opcode = word >> 16, word & 0xffff
            if len(self.buffer) < size:
                break
            payload, self.buffer = self.buffer[8:size], self.buffer[size:]
            if obj == WL_DISPLAY and opcode == 0:
                code, = struct.unpack_from("<I", payload, 4)
                message, _ = self.read_string(payload, 8)
                raise ProtocolError("error %d on object %d: %s"
                                    % (code, struct.unpack_from("<I", payload)[0], message))
            self.events.append((obj, opcode, payload, []))

    def take_fd(self):
        return self.fds.pop(0)

    def roundtrip(self):
        callback = self.new_id()
        self.request(WL_DISPLAY, 0, uint(callback))
        while not any(obj == callback for obj, _, _, _ in self.events):
            self.receive()
        self.events = [e for e in self.events if e[0] != callback]

    def take(self, obj, opcode=None):
        """The events for obj (of opcode) received so far, in order; they are taken."""
        mine = [e for e in self.events if e[0] == obj and (opcode is None or e[1] == opcode)]
        self.events = [e for e in self.events if e not in mine]
        return mine

    def wait_for(self, obj, opcode):
        """The events for obj of opcode, waiting for the first (the socket's timeout)."""
        while True:
            got = self.take(obj, opcode)
            if got:
                return got
            self.receive()

    def close(self):
        for fd in self.fds:
            os.close(fd)
        self.sock.close()
