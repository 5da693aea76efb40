"""Serve the dashboard in production: `scripts/serve` (the Dockerfile's CMD).

    WORKERS=2 PORT=8501 scripts/serve

Starts `WORKERS` Streamlit processes (default: the number of cores) behind nginx on `PORT`
(default 8501), all supervised by supervisord, which restarts any of them that dies. nginx keeps a
browser on the process that holds its session (a `tablero_worker` cookie it sets itself, hashed
consistently over the processes: a dead one's visitors go to the next), serves Streamlit's own
static files from disk, and sends Argilla's webhook deliveries to the writer.

Exactly one process is the writer (the first): it reads Argilla and the Hub, takes the webhook
deliveries and keeps the state on the Hub. The others (`TABLERO_ROLE=reader`) serve what it
publishes in `DATA_DIR` (data/feeds/follower.py) and never read an upstream. With `REDIS_URL`
(replicas on several machines behind a sticky load balancer) the first process of each replica is
a candidate: the one holding the lease is the writer, and everything is published in Redis
(data/state/shared.py). Every process gets the
same cookie secret, so sign-in works whichever one a request reaches. `WORKERS=1` runs one process
on `PORT` directly, as `streamlit run app.py` does; that stays the development command.
"""

from __future__ import annotations

import grp
import gzip
import hashlib
import os
import pwd
import resource
import secrets
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import streamlit

from data import routes

ROOT = Path(__file__).resolve().parent.parent
STREAMLIT_STATIC = Path(streamlit.__file__).resolve().parent / "static"
STARTING = ROOT / "server" / "starting.html"


@dataclass(frozen=True)
class Plan:
    """What to run: the public port, one port per worker (the first is the writer), a folder for
    the generated configuration and the processes' control files."""

    port: int
    worker_ports: tuple[int, ...]
    run_dir: Path
    shared: bool = False  # REDIS_URL: replicas on several machines, one writer among them (a lease)

    @classmethod
    def from_environment(cls, env: dict[str, str]) -> Plan:
        port = int(env.get("PORT") or 8501)
        workers = max(1, int(env.get("WORKERS") or os.cpu_count() or 1))
        listed = [int(p) for p in (env.get("WORKER_PORTS") or "").split(",") if p.strip()]
        worker_ports = tuple(listed) if listed else tuple(port + 1 + i for i in range(workers))
        data_dir = Path(env.get("DATA_DIR") or ROOT / "data" / "cache")
        run_dir = Path(env.get("RUN_DIR") or data_dir / f"run-{port}")
        return cls(port, worker_ports, run_dir, bool(env.get("REDIS_URL")))


COMPRESSED = (".js", ".css", ".json", ".svg", ".map", ".txt", ".html")


def precompressed_static(target: Path) -> Path:
    """A mirror of Streamlit's static files with each script and stylesheet's gzip beside it, for
    nginx's `gzip_static`: compressed once per Streamlit version, not once per visitor (a thousand
    arrivals fetch ~5 MB of scripts each). Built into the image (`--precompress`), else on start."""
    marker = target / f".streamlit-{streamlit.__version__}"
    if marker.exists():
        return target
    for source in STREAMLIT_STATIC.rglob("*"):
        if not source.is_file():
            continue
        copy = target / source.relative_to(STREAMLIT_STATIC)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)
        if source.suffix in COMPRESSED:
            with open(source, "rb") as plain, gzip.GzipFile(copy.with_name(copy.name + ".gz"), "wb", 9, mtime=0) as out:
                shutil.copyfileobj(plain, out)
    marker.touch()
    return target


def static_root(plan: Plan) -> Path:
    """Where the mirror is: built in the project (the image's build, a developer's checkout) or,
    where the project is read-only, in the run folder."""
    built = ROOT / ".static"
    if (built / f".streamlit-{streamlit.__version__}").exists() or os.access(ROOT, os.W_OK):
        return precompressed_static(built)
    return precompressed_static(plan.run_dir / "static")


def proxy_user() -> str:
    """nginx's `user` line: its workers run as this process's user, who can read the project
    wherever it is. Started by root, nginx would otherwise run them as `nobody`, who cannot enter
    a private folder (`mktemp -d`, a home folder of mode 700) and would answer 403 for every
    script and stylesheet. Not root: the workers are this user anyway (nginx ignores the line)."""
    if os.geteuid() != 0:
        return ""
    return f"user {pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name};\n"


def unreadable(paths: list[Path]) -> list[Path]:
    """Which of the files the proxy serves its workers (this process's user) cannot read."""
    return [path for path in paths if not os.access(path, os.R_OK)]


# Every answer's security headers (nginx drops the server's add_header in a location that has its
# own, so each such location repeats them). Framing: the Space's page on huggingface.co embeds the
# board; no other site may.
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", '"camera=(), microphone=(), geolocation=(), payment=()"'),
    ("Content-Security-Policy", "\"frame-ancestors 'self' https://huggingface.co https://*.hf.space\""),
    ("Strict-Transport-Security", "$hsts"),
)


# Requests a second per visitor's address, and the burst let through at once, by kind of path.
LIMITS = {"changes": (30, 300), "api": (20, 100), "webhooks": (50, 1000)}
# The proxies whose X-Forwarded-For is believed: the Space's front end, a load balancer (private
# networks), and this machine.
TRUSTED = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "::1", "fc00::/7")
REAL_IP = "\n".join(f"  set_real_ip_from {network};" for network in TRUSTED)


def security(indent: str) -> str:
    return "\n".join(f"{indent}add_header {name} {value} always;" for name, value in SECURITY_HEADERS)


def nginx_conf(plan: Plan, static: Path = STREAMLIT_STATIC) -> str:
    run = plan.run_dir
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in plan.worker_ports)
    return f"""# Generated by scripts/serve.py: do not edit.
{proxy_user()}worker_processes auto;
worker_rlimit_nofile {_open_files()};
pid {run}/nginx.pid;
error_log stderr warn;
daemon off;
# An open tab holds four connections here (its websocket and its parked request, each to a client
# and to a worker) and an arrival up to six more for its scripts: as many as a worker has files,
# and a worker per core, each with its own files (5,000 tabs did not fit in one of 8,192).
events {{ worker_connections {_open_files()}; }}
http {{
  access_log off;
  client_body_temp_path {run}/nginx-body;
  proxy_temp_path {run}/nginx-proxy;
  fastcgi_temp_path {run}/nginx-fastcgi;
  uwsgi_temp_path {run}/nginx-uwsgi;
  scgi_temp_path {run}/nginx-scgi;
  include /etc/nginx/mime.types;
  gzip on;
  gzip_types application/javascript text/css application/json image/svg+xml;
  server_tokens off;

  # Which process holds a browser's sessions: its tablero_worker cookie, set on its first request
  # (from the client's forwarded address on a Space, so a browser that refuses the cookie in the
  # Space's iframe still lands on the same process), hashed over the processes.
  map $http_x_forwarded_for $first_key {{ "" $request_id; default $http_x_forwarded_for; }}
  map $cookie_tablero_worker $sticky {{ "" $first_key; default $cookie_tablero_worker; }}
  map $http_x_forwarded_proto $cookie_flags {{
    https "; Secure; SameSite=None; Partitioned";
    default "; SameSite=Lax";
  }}
  map $cookie_tablero_worker $set_sticky {{ "" "tablero_worker=$sticky; Path=/; HttpOnly$cookie_flags"; default ""; }}
  map $http_upgrade $connection_upgrade {{ default upgrade; "" ""; }}
  # Which process answered, for operators and tests on the machine itself: never through a proxy
  # (a Space's front end always forwards the visitor's address), so visitors never see it.
  map $http_x_forwarded_for $worker_seen {{ "" $upstream_addr; default ""; }}
  map $http_x_forwarded_proto $hsts {{ https "max-age=31536000"; default ""; }}

  # Floods stop here, before any Python: requests per visitor's address (behind the Space's proxy,
  # on a private network, the nearest public address in X-Forwarded-For, as the app's own
  # client_of), far above what a browser sends (a tab long-polls once per 25 s, a page of the
  # API is a few requests, Argilla delivers a few per second). The machine itself (health checks,
  # benches) is not limited. Over a limit: 429 (pages retry it with a growing pause).
{REAL_IP}
  real_ip_header X-Forwarded-For;
  real_ip_recursive on;
  geo $limited {{ default 1; 127.0.0.0/8 0; ::1 0; }}
  map $limited $visitor {{ 0 ""; default $binary_remote_addr; }}
  limit_req_zone $visitor zone=changes:10m rate={LIMITS["changes"][0]}r/s;
  limit_req_zone $visitor zone=api:10m rate={LIMITS["api"][0]}r/s;
  limit_req_zone $visitor zone=webhooks:1m rate={LIMITS["webhooks"][0]}r/s;
  limit_req_status 429;
  limit_req_log_level warn;

  upstream workers {{
    hash $sticky consistent;
{servers}
    keepalive 64;
  }}
  upstream writer {{
    server 127.0.0.1:{plan.worker_ports[0]};
  }}

  server {{
    listen {plan.port};
    client_max_body_size 1m;
    proxy_http_version 1.1;
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
    proxy_buffering off;
    proxy_read_timeout 120s;  # a long-poll holds 25 s; an idle websocket is pinged every 30 s
    keepalive_timeout 65s;
    send_timeout 60s;
{security("    ")}
    proxy_next_upstream error timeout http_502;
    error_page 502 503 504 {routes.STARTING};

    location = {routes.STARTING} {{
      internal;
      alias {STARTING};
      add_header Cache-Control "no-store";
{security("      ")}
    }}
    location /static/ {{
      root {static};
      gzip_static on;
      expires 7d;
      add_header Cache-Control "public, immutable";
{security("      ")}
    }}
    location = {routes.WEBHOOKS} {{
      limit_req zone=webhooks burst={LIMITS["webhooks"][1]} nodelay;
      proxy_pass http://writer;
    }}
    # a campaign's own paths on a board of several (server/campaign_paths.py): its webhook goes to
    # the writer too; its pages' static files are the same files
    location ~ ^{routes.CAMPAIGNS}[a-z0-9-]+{routes.WEBHOOKS}$ {{
      limit_req zone=webhooks burst={LIMITS["webhooks"][1]} nodelay;
      proxy_pass http://writer;
    }}
    location ~ ^{routes.CAMPAIGNS}[a-z0-9-]+(/static/.*)$ {{
      alias {static}$1;
      gzip_static on;
      expires 7d;
      add_header Cache-Control "public, immutable";
{security("      ")}
    }}
    location = {routes.CHANGES} {{
      limit_req zone=changes burst={LIMITS["changes"][1]} nodelay;
{security("      ")}
      proxy_pass http://workers;
    }}
    location {routes.API}/ {{
      limit_req zone=api burst={LIMITS["api"][1]} nodelay;
{security("      ")}
      proxy_pass http://workers;
    }}
    location / {{
      add_header Set-Cookie $set_sticky always;
      add_header X-Tablero-Worker $worker_seen always;
{security("      ")}
      proxy_pass http://workers;
    }}
  }}
}}
"""


def control_socket(run: Path) -> Path:
    """supervisord's control socket: in the run folder, or, where that path is longer than a unix
    socket's address may be (108 bytes; a deep DATA_DIR), under the system's temporary folder."""
    inside = run / "supervisor.sock"
    if len(os.fsencode(inside)) < 100:
        return inside
    return Path(tempfile.gettempdir()) / f"tablero-{hashlib.sha256(os.fsencode(run)).hexdigest()[:16]}.sock"


def supervisor_conf(plan: Plan, python: str, nginx: str) -> str:
    run = plan.run_dir
    sock = control_socket(run)
    programs = [
        f"""[program:nginx]
command={nginx} -e stderr -c {run}/nginx.conf -p {run}
priority=10
{_common()}"""
    ]
    first = "candidate" if plan.shared else "writer"
    for index, port in enumerate(plan.worker_ports):
        role, name = (first, "writer") if index == 0 else ("reader", f"reader-{index}")
        environment = (
            f'TABLERO_ROLE="{role}",TABLERO_WORKERS="{len(plan.worker_ports)}",'
            f'STREAMLIT_SERVER_PORT="{port}",STREAMLIT_SERVER_ADDRESS="127.0.0.1"'
        )
        programs.append(
            f"""[program:{name}]
command={python} -m streamlit run app.py
directory={ROOT}
environment={environment}
priority=20
stopwaitsecs=20
{_common()}"""
        )
    return (
        f"""; Generated by scripts/serve.py: do not edit.
[supervisord]
nodaemon=true
minfds={_open_files()}
logfile={run}/supervisord.log
pidfile={run}/supervisord.pid
childlogdir={run}

[unix_http_server]
file={sock}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{sock}

"""
        + "\n\n".join(programs)
        + "\n"
    )


def _open_files() -> int:
    """Each open tab holds a websocket and a parked request: raise the soft limit to the hard one."""
    return min(65536, resource.getrlimit(resource.RLIMIT_NOFILE)[1])


def _common() -> str:
    return """autorestart=true
startsecs=2
startretries=1000
stopasgroup=true
killasgroup=true
redirect_stderr=true
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0"""


def main() -> None:
    if sys.argv[1:] == ["--precompress"]:  # at the image's build
        precompressed_static(ROOT / ".static")
        return
    env = dict(os.environ)
    plan = Plan.from_environment(env)
    python = sys.executable
    os.chdir(ROOT)
    if len(plan.worker_ports) == 1:  # one process, on the public port: as `streamlit run app.py`
        env["STREAMLIT_SERVER_PORT"] = str(plan.port)
        env["TABLERO_ROLE"] = "candidate" if plan.shared else "writer"
        os.execve(python, [python, "-m", "streamlit", "run", "app.py"], env)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    plan.run_dir.mkdir(parents=True, exist_ok=True)
    # one secret for every process (the children inherit it): a cookie signed by one is good in all
    env["STREAMLIT_SERVER_COOKIE_SECRET"] = (
        env.get("STREAMLIT_SERVER_COOKIE_SECRET") or env.get("AUTH_COOKIE_SECRET") or secrets.token_hex(32)
    )
    static = static_root(plan)
    cannot = unreadable([STARTING, static / "index.html", *static.glob("static/js/*.js")])
    if cannot:
        names = ", ".join(str(path) for path in cannot[:3])
        raise SystemExit(f"scripts/serve: the proxy cannot read {len(cannot)} file(s) it serves: {names}")
    (plan.run_dir / "nginx.conf").write_text(nginx_conf(plan, static), encoding="utf-8")
    conf = plan.run_dir / "supervisord.conf"
    conf.write_text(supervisor_conf(plan, python, nginx), encoding="utf-8")
    supervisord = str(Path(python).with_name("supervisord"))
    os.execve(supervisord, [supervisord, "-c", str(conf)], env)


if __name__ == "__main__":
    main()
