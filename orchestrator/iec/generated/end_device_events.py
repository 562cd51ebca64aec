from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from xsdata.models.datatype import XmlDateTime
from xsdata_pydantic.fields import field

__NAMESPACE__ = "http://iec.ch/TC57/2011/EndDeviceEvents#"


class EndDeviceEventDetail(BaseModel):
    """
    Name-value pair, specific to end device events.

    :ivar name: Name.
    :ivar value: Value, including unit information.
    """

    model_config = ConfigDict(defer_build=True)
    name: str = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        }
    )
    value: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )


class NameTypeAuthority(BaseModel):
    """
    Authority responsible for creation and management of names of a given
    type; typically an organization or an enterprise system.

    :ivar description: Description of the name type authority.
    :ivar name: Name of the name type authority.
    """

    model_config = ConfigDict(defer_build=True)
    description: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    name: str = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        }
    )


class Status(BaseModel):
    """
    Current status information relevant to an entity.

    :ivar date_time: Date and time for which status 'value' applies.
    :ivar reason: Reason code or explanation for why an object went to
        the current status 'value'.
    :ivar remark: Pertinent information regarding the current 'value',
        as free form text.
    :ivar value: Status value at 'dateTime'; prior status changes may
        have been kept in instances of activity records associated with
        the object to which this status applies.
    """

    model_config = ConfigDict(defer_build=True)
    date_time: None | XmlDateTime = field(
        default=None,
        metadata={
            "name": "dateTime",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    reason: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    remark: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    value: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )


class NameType(BaseModel):
    """
    Type of name.

    Possible values for attribute 'name' are implementation dependent but
    standard profiles may specify types. An enterprise may have multiple IT
    systems each having its own local name for the same object, e.g. a
    planning system may have different names from an EMS. An object may
    also have different names within the same IT system, e.g. localName and
    aliasName as defined in CIM version 14. Their definitions from CIM14
    are The localName is a human readable name of the object. It is only
    used with objects organized in a naming hierarchy. localName: A free
    text name local to a node in a naming hierarchy similar to a file
    directory structure. A power system related naming hierarchy may be:
    Substation, VoltageLevel, Equipment etc. Children of the same parent in
    such a hierarchy have names that typically are unique among them.
    aliasName: A free text alternate name typically used in tabular reports
    where the column width is limited.

    :ivar description: Description of the name type.
    :ivar name: Name of the name type.
    :ivar name_type_authority: Authority responsible for managing names
        of this type.
    """

    model_config = ConfigDict(defer_build=True)
    description: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    name: str = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        }
    )
    name_type_authority: None | NameTypeAuthority = field(
        default=None,
        metadata={
            "name": "NameTypeAuthority",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )


class Name(BaseModel):
    """
    The Name class provides the means to define any number of human
    readable names for an object.

    A name is &lt;b&gt;not&lt;/b&gt; to be used for defining inter-object
    relationships. For inter-object relationships instead use the object
    identification 'mRID'.

    :ivar name: Any free text that name the object.
    :ivar name_type: Type of this name.
    """

    model_config = ConfigDict(defer_build=True)
    name: str = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        }
    )
    name_type: None | NameType = field(
        default=None,
        metadata={
            "name": "NameType",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )


class Asset(BaseModel):
    """
    Tangible resource of the utility, including power system equipment,
    various end devices, cabinets, buildings, etc.

    For electrical network equipment, the role of the asset is defined
    through PowerSystemResource and its subclasses, defined mainly in the
    Wires model (refer to IEC61970-301 and model package IEC61970::Wires).
    Asset description places emphasis on the physical characteristics of
    the equipment fulfilling that role.

    :ivar m_rid: A Model Authority issues mRIDs. Given that each Model
        Authority has a unique id and this id is part of the mRID, then
        the mRID is globally unique. Global uniqeness is easily achived
        by using a UUID for the mRID. It is strongly recommended to do
        this. For CIMXML data files the mRID is mapped to rdf:ID or
        rdf:about attributes that identifies CIM object elements.
    :ivar names: All names of this identified object.
    """

    model_config = ConfigDict(defer_build=True)
    m_rid: None | str = field(
        default=None,
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    names: list[Name] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )


class EndDeviceEventType(BaseModel):
    """
    Detailed description for an event produced by an end device.

    Values in attributes allow for creation of recommended codes to be used
    for identifying end device events as follows:
    &amp;lt;type&amp;gt;.&amp;lt;domain&amp;gt;.&amp;lt;subDomain&amp;gt;.&amp;lt;eventOrAction&amp;gt;.

    :ivar m_rid: A Model Authority issues mRIDs. Given that each Model
        Authority has a unique id and this id is part of the mRID, then
        the mRID is globally unique. Global uniqeness is easily achived
        by using a UUID for the mRID. It is strongly recommended to do
        this. For CIMXML data files the mRID is mapped to rdf:ID or
        rdf:about attributes that identifies CIM object elements.
    :ivar domain: High-level nature of the event. By properly
        classifying events by a small set of domain codes, a system can
        more easily run reports based on the types of events that have
        occurred or been received.
    :ivar event_or_action: The most specific part of this event type. It
        is mainly in the form of a verb that gives action to the event
        that just occurred.
    :ivar sub_domain: More specific nature of the event, as a further
        sub-categorisation of 'domain'.
    :ivar type_value: Type of physical device from which the event was
        created. A value of zero (0) can be used when the source is
        unknown.
    :ivar names: All names of this identified object.
    """

    model_config = ConfigDict(defer_build=True)
    m_rid: None | str = field(
        default=None,
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    domain: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    event_or_action: None | str = field(
        default=None,
        metadata={
            "name": "eventOrAction",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    sub_domain: None | str = field(
        default=None,
        metadata={
            "name": "subDomain",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    type_value: None | str = field(
        default=None,
        metadata={
            "name": "type",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    names: list[Name] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
            "min_occurs": 1,
        },
    )


class UsagePoint(BaseModel):
    """
    Logical or physical point in the network to which readings or events
    may be attributed.

    Used at the place where a physical or virtual meter may be located;
    however, it is not required that a meter be present.

    :ivar m_rid: A Model Authority issues mRIDs. Given that each Model
        Authority has a unique id and this id is part of the mRID, then
        the mRID is globally unique. Global uniqeness is easily achived
        by using a UUID for the mRID. It is strongly recommended to do
        this. For CIMXML data files the mRID is mapped to rdf:ID or
        rdf:about attributes that identifies CIM object elements.
    :ivar names: All names of this identified object.
    """

    model_config = ConfigDict(defer_build=True)
    m_rid: None | str = field(
        default=None,
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    names: list[Name] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )


class EndDeviceEvent(BaseModel):
    """
    Event detected by a device function associated with end device.

    :ivar m_rid: A Model Authority issues mRIDs. Given that each Model
        Authority has a unique id and this id is part of the mRID, then
        the mRID is globally unique. Global uniqeness is easily achived
        by using a UUID for the mRID. It is strongly recommended to do
        this. For CIMXML data files the mRID is mapped to rdf:ID or
        rdf:about attributes that identifies CIM object elements.
    :ivar created_date_time: Date and time this activity record has been
        created (different from the 'status.dateTime', which is the time
        of a status change of the associated object, if applicable).
    :ivar issuer_id: Unique identifier of the business entity
        originating an end device control.
    :ivar issuer_tracking_id: Identifier assigned by the initiator (e.g.
        retail electric provider) of an end device control action to
        uniquely identify the demand response event, text message, or
        other subject of the control action. Can be used when cancelling
        an event or text message request or to identify the originating
        event or text message in a consequential end device event.
    :ivar reason: Reason for event resulting in this activity record,
        typically supplied when user initiated.
    :ivar severity: Severity level of event resulting in this activity
        record.
    :ivar user_id: (if user initiated) ID of user who initiated this end
        device event.
    :ivar assets: All assets for which this activity record has been
        created.
    :ivar end_device_event_details: All details of this end device
        event.
    :ivar end_device_event_type: Type of this end device event.
    :ivar names: All names of this identified object.
    :ivar status: Information on consequence of event resulting in this
        activity record.
    :ivar usage_point: Usage point for which this end device event is
        reported.
    """

    model_config = ConfigDict(defer_build=True)
    m_rid: None | str = field(
        default=None,
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    created_date_time: XmlDateTime = field(
        metadata={
            "name": "createdDateTime",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        }
    )
    issuer_id: None | str = field(
        default=None,
        metadata={
            "name": "issuerID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    issuer_tracking_id: None | str = field(
        default=None,
        metadata={
            "name": "issuerTrackingID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    reason: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    severity: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    user_id: None | str = field(
        default=None,
        metadata={
            "name": "userID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    assets: None | Asset = field(
        default=None,
        metadata={
            "name": "Assets",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    end_device_event_details: list[EndDeviceEventDetail] = field(
        default_factory=list,
        metadata={
            "name": "EndDeviceEventDetails",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    end_device_event_type: EndDeviceEvent.EndDeviceEventType = field(
        metadata={
            "name": "EndDeviceEventType",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        }
    )
    names: list[Name] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    status: None | Status = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )
    usage_point: None | UsagePoint = field(
        default=None,
        metadata={
            "name": "UsagePoint",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceEvents#",
        },
    )

    class EndDeviceEventType(BaseModel):
        model_config = ConfigDict(defer_build=True)
        ref: None | str = field(
            default=None,
            metadata={
                "type": "Attribute",
            },
        )


class EndDeviceEvents(BaseModel):
    class Meta:
        namespace = "http://iec.ch/TC57/2011/EndDeviceEvents#"

    model_config = ConfigDict(defer_build=True)
    end_device_event: list[EndDeviceEvent] = field(
        default_factory=list,
        metadata={
            "name": "EndDeviceEvent",
            "type": "Element",
        },
    )
    end_device_event_type: list[EndDeviceEventType] = field(
        default_factory=list,
        metadata={
            "name": "EndDeviceEventType",
            "type": "Element",
        },
    )
