"""The job queue's primitives (job rows, their arq entries, the JSON-only serializer),
below both the executor and the jobs package that runs what it queues."""
