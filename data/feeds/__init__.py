"""What a process runs: one poller per upstream, the feeds pages read, the durable-state sync,
and the process-wide registry of it all."""
