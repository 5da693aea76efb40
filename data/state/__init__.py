"""What was read, kept: snapshots on disk, the durable copy on the Hub, the embedded demo."""
