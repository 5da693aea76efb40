"""The test servers' HTTP server: threads, and a listen backlog as deep as a real front's."""

from http.server import ThreadingHTTPServer


class Listening(ThreadingHTTPServer):
    """The standard library's backlog of 5 drops the connections a client opens at once beyond it
    (a pool of downloads, each thread on a connection of its own), and each one dropped waits out
    a 1 s SYN retransmission: a delay no real front adds."""

    request_queue_size = 128
