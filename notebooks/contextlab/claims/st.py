"""st suite: the State Threads runtime against virtual threads (io.contextlab.stbench). No claim
of claims.csv is judged on it yet; 01-switches plots it beside the switch ladder."""
from .core import WIRING

WIRING.update({"st_producer_consumer": "io.contextlab.stbench.ProducerConsumer"})
