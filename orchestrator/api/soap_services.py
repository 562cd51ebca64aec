"""The SOAP services of the IEC endpoint: which nouns each accepts and the WSDL it serves.

Where a public WSDL without a proprietary notice exists (the DERMS2 EndDeviceEvents profile,
the EPRI interoperability-test profiles) it is shipped in ``wsdl/`` and served as is, with its
``soap:address`` and schema locations pointed back at this server. For the other services the
WSDL is written here from the IEC 61968-100 pattern: ``<Verb><Noun>`` wrapper elements in
``http://iec.ch/TC57/2011/<Noun>Message`` built from Message.xsd's Header/Request/Reply types,
payload ``xs:any`` (no public payload schema), one operation per verb, document/literal, bound to
SOAP 1.1 and SOAP 1.2.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import quoteattr

from lxml import etree

WSDL_DIR = Path(__file__).with_name("wsdl")
MESSAGE_XSD = Path(__file__).resolve().parents[1] / "iec" / "schemas" / "message-2011" / "Message.xsd"
WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
SOAP11_BINDING_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12_BINDING_NS = "http://schemas.xmlsoap.org/wsdl/soap12/"
XS = "http://www.w3.org/2001/XMLSchema"

EVENT_VERBS = ("Created", "Changed", "Canceled", "Closed", "Deleted")
REQUEST_VERBS = ("Create", "Change", "Cancel", "Close", "Delete")


@dataclass(frozen=True)
class SoapService:
    name: str
    nouns: frozenset[str]
    noun: str  # the wrapper noun of its WSDL
    shipped: tuple[str, str] | None = None  # (folder under wsdl/, file) of a standard WSDL
    verbs: tuple[str, ...] = EVENT_VERBS  # operations of a generated WSDL
    message_type: str = "EventMessage"  # or RequestMessage


SERVICES: dict[str, SoapService] = {s.name: s for s in (
    SoapService("ReceiveEndDeviceEvents", frozenset({"EndDeviceEvents"}), "EndDeviceEvents",
                shipped=("derms2-61968-9", "ReceiveEndDeviceEvents.wsdl")),
    SoapService("ReplyEndDeviceControls", frozenset({"EndDeviceControls"}), "EndDeviceControls",
                shipped=("epri-wsdl-v1", "ReplyEndDeviceControls.wsdl")),
    SoapService("ReceiveMeterReadings", frozenset({"MeterReadings"}), "MeterReadings"),
    SoapService("ReplyMeterReadings", frozenset({"MeterReadings", "GetMeterReadings"}), "MeterReadings",
                shipped=("epri-wsdl-v1", "ReplyMeterReadings.wsdl")),
    SoapService("ExecuteMasterDataLinkageConfig", frozenset({"MasterDataLinkageConfig"}), "MasterDataLinkageConfig",
                verbs=REQUEST_VERBS, message_type="RequestMessage"),
    SoapService("ExecuteUsagePointConfig", frozenset({"UsagePointConfig"}), "UsagePointConfig",
                verbs=REQUEST_VERBS, message_type="RequestMessage"),
    SoapService("ExecuteMeterConfig", frozenset({"MeterConfig", "EndDeviceConfig"}), "MeterConfig",
                verbs=REQUEST_VERBS, message_type="RequestMessage"),
)}


def schema_file(folder: str, name: str) -> Path | None:
    """A schema a served WSDL refers to, or None (only files of the shipped folders, no traversal)."""
    if folder == "message-2011" and name == "Message.xsd":
        return MESSAGE_XSD
    if folder not in {"derms2-61968-9", "epri-wsdl-v1"} or "/" in name or "\\" in name or not name.endswith(".xsd"):
        return None
    path = WSDL_DIR / folder / "xsd" / name
    return path if path.is_file() else None


def render_wsdl(service: SoapService, base_url: str) -> bytes:
    """The service's WSDL with its address (and schema locations) pointing at ``base_url``."""
    address = f"{base_url}/iec/soap/{service.name}"
    if service.shipped:
        return _rewrite_shipped(service, base_url, address)
    return _generated(service, base_url, address).encode()


def _rewrite_shipped(service: SoapService, base_url: str, address: str) -> bytes:
    folder, fname = service.shipped  # type: ignore[misc]
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    root = etree.fromstring(_read(WSDL_DIR / folder / fname), parser)
    for ns in (SOAP11_BINDING_NS, SOAP12_BINDING_NS):
        for el in root.iter(f"{{{ns}}}address"):
            el.set("location", address)
    for el in root.iter(f"{{{XS}}}import", f"{{{XS}}}include"):
        loc = el.get("schemaLocation")
        if loc and loc.startswith("xsd/"):
            el.set("schemaLocation", f"{base_url}/iec/soap/xsd/{folder}/{loc[4:]}")
    # One service name per route: a shipped WSDL whose service is named otherwise is renamed.
    for el in root.iter(f"{{{WSDL_NS}}}service"):
        el.set("name", service.name)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@lru_cache(maxsize=None)
def _read(path: Path) -> bytes:
    return path.read_bytes()


def _generated(service: SoapService, base_url: str, address: str) -> str:
    noun = service.noun
    tns = f"http://iec.ch/TC57/2011/{service.name}"
    mns = f"http://iec.ch/TC57/2011/{noun}Message"
    msg_xsd = f"{base_url}/iec/soap/xsd/message-2011/Message.xsd"
    kind = service.message_type
    if kind == "RequestMessage":
        body = ('<xs:element name="Header" type="msg:HeaderType"/>'
                '<xs:element name="Request" type="msg:RequestType" minOccurs="0"/>'
                f'<xs:element name="Payload" type="m:{noun}PayloadType" minOccurs="0"/>')
    else:
        body = ('<xs:element name="Header" type="msg:HeaderType"/>'
                f'<xs:element name="Payload" type="m:{noun}PayloadType" minOccurs="0"/>')
    ops = [f"{verb}{noun}" for verb in service.verbs]
    elements = "".join(f'<xs:element name="{op}" type="m:{noun}{kind}Type"/>' for op in ops)
    messages = "".join(
        f'<wsdl:message name="{op}{kind}"><wsdl:part name="{op}{kind}" element="m:{op}"/></wsdl:message>'
        for op in ops)
    port_ops = "".join(
        f'<wsdl:operation name="{op}"><wsdl:input name="{op}Input" message="tns:{op}{kind}"/>'
        f'<wsdl:output name="{op}Response" message="tns:ResponseMessage"/>'
        f'<wsdl:fault name="{op}Fault" message="tns:FaultMessage"/></wsdl:operation>' for op in ops)

    def binding(prefix: str) -> str:
        return "".join(
            f'<wsdl:operation name="{op}">'
            f'<{prefix}:operation soapAction="http://iec.ch/TC57/2011/{noun}/{op}" style="document"/>'
            f'<wsdl:input name="{op}Input"><{prefix}:body use="literal"/></wsdl:input>'
            f'<wsdl:output name="{op}Response"><{prefix}:body use="literal"/></wsdl:output>'
            f'<wsdl:fault name="{op}Fault"><{prefix}:fault name="{op}Fault" use="literal"/></wsdl:fault>'
            f'</wsdl:operation>' for op in ops)

    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- {service.name}: IEC 61968-100 document/literal web service, written from the standard's WSDL pattern. -->
<wsdl:definitions name="{service.name}" targetNamespace="{tns}" xmlns:tns="{tns}" xmlns:m="{mns}"
    xmlns:msg="http://iec.ch/TC57/2011/schema/message" xmlns:wsdl="{WSDL_NS}" xmlns:soap="{SOAP11_BINDING_NS}"
    xmlns:soap12="{SOAP12_BINDING_NS}" xmlns:xs="{XS}">
  <wsdl:types>
    <xs:schema targetNamespace="{mns}" elementFormDefault="qualified">
      <xs:import namespace="http://iec.ch/TC57/2011/schema/message" schemaLocation={quoteattr(msg_xsd)}/>
      <xs:complexType name="{noun}PayloadType"><xs:sequence>
        <xs:any namespace="##other" processContents="lax" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element name="OperationSet" type="msg:OperationSet" minOccurs="0"/>
        <xs:element name="Compressed" type="xs:string" minOccurs="0"/>
        <xs:element name="Format" type="xs:string" minOccurs="0"/>
      </xs:sequence></xs:complexType>
      <xs:complexType name="{noun}{kind}Type"><xs:sequence>{body}</xs:sequence></xs:complexType>
      <xs:complexType name="{noun}ResponseMessageType"><xs:sequence>
        <xs:element name="Header" type="msg:HeaderType"/><xs:element name="Reply" type="msg:ReplyType"/>
        <xs:element name="Payload" type="m:{noun}PayloadType" minOccurs="0"/>
      </xs:sequence></xs:complexType>
      <xs:complexType name="{noun}FaultMessageType"><xs:sequence>
        <xs:element name="Reply" type="msg:ReplyType"/>
      </xs:sequence></xs:complexType>
      {elements}
      <xs:element name="{noun}ResponseMessage" type="m:{noun}ResponseMessageType"/>
      <xs:element name="{noun}FaultMessage" type="m:{noun}FaultMessageType"/>
    </xs:schema>
  </wsdl:types>
  {messages}
  <wsdl:message name="ResponseMessage"><wsdl:part name="ResponseMessage" element="m:{noun}ResponseMessage"/></wsdl:message>
  <wsdl:message name="FaultMessage"><wsdl:part name="FaultMessage" element="m:{noun}FaultMessage"/></wsdl:message>
  <wsdl:portType name="{noun}_Port">{port_ops}</wsdl:portType>
  <wsdl:binding name="{noun}_Binding" type="tns:{noun}_Port">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>{binding("soap")}
  </wsdl:binding>
  <wsdl:binding name="{noun}_Binding12" type="tns:{noun}_Port">
    <soap12:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>{binding("soap12")}
  </wsdl:binding>
  <wsdl:service name="{service.name}">
    <wsdl:port name="{noun}_Port" binding="tns:{noun}_Binding"><soap:address location={quoteattr(address)}/></wsdl:port>
    <wsdl:port name="{noun}_Port12" binding="tns:{noun}_Binding12"><soap12:address location={quoteattr(address)}/></wsdl:port>
  </wsdl:service>
</wsdl:definitions>
"""
