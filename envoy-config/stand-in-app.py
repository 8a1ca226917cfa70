#!/usr/bin/env python3
"""A stand-in for your application on 127.0.0.1:8080: answers every request 200 with the
x-pumpguard-* request headers it received, as JSON, and prints them. For trying envoy-config/."""
import http.server
import json


class App(http.server.BaseHTTPRequestHandler):
    def answer(self):
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        tags = {k.lower(): v for k, v in self.headers.items() if k.lower().startswith("x-pumpguard-")}
        body = json.dumps(tags).encode()
        print(self.command, self.path, body.decode(), flush=True)
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = answer

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", 8080), App).serve_forever()
