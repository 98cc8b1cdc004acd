"""dtks_analysis: monthly DTKS reporting for Kabupaten Dairi.

The modules follow the data: ingest -> clean -> validate -> households -> nonresponse ->
stats / flows -> disclosure -> export / render. See ``docs/architecture.md``.
"""

__version__ = "0.1.0"
