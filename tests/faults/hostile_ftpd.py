#!/usr/bin/python3
"""A pyftpdlib server whose LIST can be hostile (tests/faults/hostile_listing_test.cpp).

    hostile_ftpd.py ROOT USER PASSWORD

Serves ROOT on 127.0.0.1 at a port the kernel picks and prints "hostile ftpd on 127.0.0.1:PORT"
on stdout once it listens. Everything works as in `python3 -m pyftpdlib -w`, except LIST of a
directory holding a file named `.listing`: the server sends that file's bytes as the listing,
verbatim (huge lines, NUL, binary, bare CR, lines that look like modem output...).
"""
import os
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer


class HostileHandler(FTPHandler):
    def ftp_LIST(self, path):
        listing = os.path.join(path, ".listing")
        if self.fs.isdir(path) and os.path.isfile(listing):
            with open(listing, "rb") as f:
                data = f.read()
            self.push_dtp_data(data, isproducer=False, cmd="LIST")
            return path
        return super().ftp_LIST(path)


def main():
    root, user, password = sys.argv[1:4]
    authorizer = DummyAuthorizer()
    authorizer.add_user(user, password, root, perm="elradfmwMT")
    handler = HostileHandler
    handler.authorizer = authorizer
    server = FTPServer(("127.0.0.1", 0), handler)
    print("hostile ftpd on 127.0.0.1:%d" % server.socket.getsockname()[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
