"""What the web accepts as BPMN from a process owner: an upload or an autosaved draft.

Refused before anything is stored: a file too large, one that is not well-formed XML, one that
declares a DOCTYPE or entities (an entity bomb or an external entity; engine.parser.parse_xml
refuses any DOCTYPE outright), and XML that is not a BPMN 2.0 file with a process in it. The
model itself may still have problems: a draft is where the owner fixes them, deploy refuses them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from engine.parser import BPMN_NS, MAX_DOCUMENT_BYTES, HostileXML, parse_xml

MAX_MEGABYTES = MAX_DOCUMENT_BYTES // (1024 * 1024)
#: A BPMN id is an XML NCName; the process id also names the draft in URLs and file names, so only
#: the plain form every modelling tool writes is taken (letters, digits, "_", "-", ".").
PROCESS_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]{0,199}")


class NotBpmn(ValueError):
    """Why the file cannot be a draft, in words for the process owner."""


@dataclass(frozen=True)
class BpmnFile:
    xml: str
    #: The process a case of this file would run (the key its draft is kept under).
    key: str
    name: str


def read_bpmn(data: bytes | str) -> BpmnFile:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if not raw.strip():
        raise NotBpmn("The selected file is empty")
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise NotBpmn(f"The file must be smaller than {MAX_MEGABYTES} MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotBpmn("The file must be a BPMN file saved as UTF-8 text") from None
    try:
        root = parse_xml(raw)
    except HostileXML as error:
        if "DOCTYPE" in str(error):
            raise NotBpmn("The file declares a DOCTYPE or entities, which a BPMN file never needs: "
                          "save it again from your modelling tool") from None
        raise NotBpmn("The file is not a BPMN file: it is not well-formed XML") from None
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise NotBpmn("The file is XML but not a BPMN 2.0 file: it must start with bpmn:definitions")
    processes = root.findall(f"{{{BPMN_NS}}}process")
    if not processes:
        raise NotBpmn("The BPMN file holds no process")
    process = _main_process(root, processes)
    key = process.get("id") or ""
    if not key:
        raise NotBpmn("The BPMN file's process has no id")
    if not PROCESS_ID.fullmatch(key):
        raise NotBpmn("The process id must start with a letter or _ and use only letters, digits, _, - and . "
                      "(200 at most): change it in your modelling tool")
    return BpmnFile(xml=text, key=key, name=process.get("name") or key)


def _main_process(root, processes):
    """As the engine chooses: an executable process no other process calls; in a descriptive model
    (every process isExecutable="false", as other tools save by default), one that no other calls."""
    called = {c.get("calledElement") for c in root.iter(f"{{{BPMN_NS}}}callActivity")}
    executable = [p for p in processes if p.get("isExecutable", "true").lower() == "true"]
    top = [p for p in executable if p.get("id") not in called]
    uncalled = [p for p in processes if p.get("id") not in called]
    return (top or executable or uncalled or processes)[0]
