"""Run argilla-server's background worker (it delivers the webhooks), with the test search engine
registered as in argilla_launcher.py. Run by the server's own virtualenv as a script.

    argilla_worker.py            argilla-server's own worker pool (a forked process per job), as deployed
    argilla_worker.py --simple   the same queues and jobs run in one process (rq's SimpleWorker):
                                 the tests use it, a fork per delivery is most of a test's time
"""

import sys

import argilla_engine  # noqa: F401  (registers the engine)
from argilla_server.cli.worker import worker
from argilla_server.jobs.queues import DEFAULT_QUEUE, HIGH_QUEUE, REDIS_CONNECTION
from rq import SimpleWorker

if __name__ == "__main__":
    if "--simple" in sys.argv:
        SimpleWorker([HIGH_QUEUE, DEFAULT_QUEUE], connection=REDIS_CONNECTION).work()
    else:
        worker(queues=[HIGH_QUEUE.name, DEFAULT_QUEUE.name], num_workers=1)
