"""A wasi:http handler (the 0.2 proxy world), served by `kiln serve` and
`wasmtime serve` in tests/serve.rs.

- POST /echo: the request's JSON body parsed and answered with a summary
  and the document itself, re-encoded;
- anything else: a greeting naming the method and path.
"""

import json

from componentize_py_types import Err, Ok
from wit_world import exports
from wit_world.imports.types import (
    Fields,
    IncomingRequest,
    Method_Post,
    OutgoingBody,
    OutgoingResponse,
    ResponseOutparam,
)

# What blocking-write-and-flush takes at once.
WRITE_SIZE = 4096


def read_body(request: IncomingRequest) -> bytes:
    body = request.consume()
    stream = body.stream()
    data = b""
    while True:
        try:
            data += stream.blocking_read(16384)
        except Err:
            break
    stream.__exit__(None, None, None)
    body.__exit__(None, None, None)
    return data


def answer(out: ResponseOutparam, status: int, content_type: str, payload: bytes) -> None:
    response = OutgoingResponse(Fields.from_list([("content-type", content_type.encode())]))
    response.set_status_code(status)
    body = response.body()
    ResponseOutparam.set(out, Ok(response))
    stream = body.write()
    for start in range(0, len(payload), WRITE_SIZE):
        stream.blocking_write_and_flush(payload[start : start + WRITE_SIZE])
    stream.__exit__(None, None, None)
    OutgoingBody.finish(body, None)


class IncomingHandler(exports.IncomingHandler):
    def handle(self, request: IncomingRequest, response_out: ResponseOutparam) -> None:
        path = request.path_with_query() or "/"
        if isinstance(request.method(), Method_Post) and path == "/echo":
            try:
                document = json.loads(read_body(request))
            except ValueError as e:
                answer(response_out, 400, "text/plain", f"not JSON: {e}\n".encode())
                return
            summary = {
                "keys": sorted(document) if isinstance(document, dict) else [],
                "length": len(document) if isinstance(document, (dict, list)) else 0,
                "echo": document,
            }
            answer(response_out, 200, "application/json", json.dumps(summary, sort_keys=True).encode())
        else:
            method = type(request.method()).__name__.removeprefix("Method_").upper()
            answer(response_out, 200, "text/plain", f"hello from Python: {method} {path}\n".encode())
