"""Peer of benchmark 1: Python's ssl module fetches and verifies the chain (CA file, SNI, host name check).

python3 bench/peer-python.py HOST PORT SERVERNAME CAFILE  -> prints the leaf's DER length; exit 1 when not trusted.
"""
import socket
import ssl
import sys

host, port, servername, cafile = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
context = ssl.create_default_context(cafile=cafile)
with socket.create_connection((host, port), timeout=10) as raw:
    with context.wrap_socket(raw, server_hostname=servername) as tls:
        print(len(tls.getpeercert(binary_form=True)))
