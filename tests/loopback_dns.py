"""A DNS server on loopback that answers one name with the addresses it is given, as Docker's
(or podman's) embedded DNS answers a compose service's name with the address of every running
replica: nginx's `resolver` asks it, and changing `addresses` is a replica stopped, started or
recreated with a new address. A name it does not know, or one without addresses, gets NXDOMAIN.
Used by tests/test_nginx.py and bench/cluster.py (nginx in front of servers on 127.0.0.x)."""

import socket
import struct
import threading


class LoopbackDNS:
    def __init__(self, name: str, addresses: list[str]):
        self.name = name.lower().rstrip(".")
        self.addresses = list(addresses)
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while not self.stopped.is_set():
            try:
                query, client = self.socket.recvfrom(512)
            except TimeoutError:
                continue
            except OSError:
                return
            answer = self.answer(query)
            if answer:
                self.socket.sendto(answer, client)

    def answer(self, query: bytes) -> bytes | None:
        if len(query) < 12:
            return None
        (ident,) = struct.unpack("!H", query[:2])
        labels, position = [], 12
        while position < len(query) and query[position]:
            length = query[position]
            labels.append(query[position + 1 : position + 1 + length].decode("ascii", "replace"))
            position += 1 + length
        position += 1
        if position + 4 > len(query):
            return None
        qtype, _ = struct.unpack("!HH", query[position : position + 4])
        question = query[12 : position + 4]
        addresses = list(self.addresses) if ".".join(labels).lower() == self.name else None
        if not addresses:  # NXDOMAIN, as for a service none of whose replicas runs
            return struct.pack("!HHHHHH", ident, 0x8183, 1, 0, 0, 0) + question
        records = [address for address in addresses if qtype == 1]  # A only (nginx: ipv6=off)
        header = struct.pack("!HHHHHH", ident, 0x8180, 1, len(records), 0, 0)
        # Each answer points back at the question's name; a time to live of one second.
        answers = b"".join(struct.pack("!HHHIH", 0xC00C, 1, 1, 1, 4) + socket.inet_aton(address) for address in records)
        return header + question + answers

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=2)
        self.socket.close()
