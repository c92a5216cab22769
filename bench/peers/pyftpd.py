# pyftpdlib with TLS, anonymous read/write, for ftpbench (bench/peers).
import logging
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import TLS_FTPHandler
from pyftpdlib.log import config_logging
from pyftpdlib.servers import FTPServer

root, port, lo, hi, cert, key = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
config_logging(level=logging.WARNING)  # no per-command log lines, as the other servers
auth = DummyAuthorizer()
auth.add_anonymous(root, perm="elradfmwMT")
handler = TLS_FTPHandler
handler.authorizer = auth
handler.certfile = cert
handler.keyfile = key
handler.passive_ports = range(lo, hi + 1)
handler.tls_control_required = False
handler.tls_data_required = False
handler.banner = "pyftpdlib ready."
server = FTPServer(("127.0.0.1", port), handler)
server.max_cons = 0
server.max_cons_per_ip = 0
server.serve_forever()
