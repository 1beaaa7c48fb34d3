"""HTTP/1.1 to a ``botify serve --socket PATH``: how the grader reaches a sandboxed service without network.

A service on a unix socket announces its address as ``unix:PATH``. The
connection is the standard library's, with the socket swapped, so keep-alive
and the JSON bodies work as over TCP.
"""

import http.client
import json
import socket
import urllib.parse

SCHEME = "unix:"


class UnixConnection(http.client.HTTPConnection):
    """An ``http.client`` connection to the service listening on the unix socket ``path``."""

    def __init__(self, path, timeout=10.0):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


def request_json(connection, method, route, body=None):
    """(status, decoded JSON answer) of one request on ``connection``; OSError or ValueError if it failed."""
    payload = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if payload is not None else {}
    try:
        connection.request(method, route, body=payload, headers=headers)
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read())
    except http.client.HTTPException as error:  # a broken answer: the next request opens a fresh connection
        connection.close()
        raise ConnectionError(f"{type(error).__name__}: {error}") from error
    except (OSError, ValueError):
        connection.close()
        raise


def connection_to(url, timeout=10.0):
    """A connection to a service's address: ``unix:PATH`` or ``http://host:port``."""
    if url.startswith(SCHEME):
        return UnixConnection(url[len(SCHEME):], timeout)
    address = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(address.hostname, address.port, timeout=timeout)
