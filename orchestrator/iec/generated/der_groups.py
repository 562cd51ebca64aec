from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from xsdata.models.datatype import XmlDateTime
from xsdata_pydantic.fields import field

__NAMESPACE__ = "http://iec.ch/TC57/2017/DERGroups#"


class Derfunction(BaseModel):
    class Meta:
        name = "DERFunction"

    model_config = ConfigDict(defer_build=True)
    connect_disconnect: bool = field(
        metadata={
            "name": "connectDisconnect",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        }
    )
    frequency_watt_curve_function: bool = field(
        metadata={
            "name": "frequencyWattCurveFunction",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        }
    )
    max_real_power_limiting: bool = field(
        metadata={
            "name": "maxRealPowerLimiting",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        }
    )
    ramp_rate_control: bool = field(
        metadata={
            "name": "rampRateControl",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        }
    )
    reactive_power_dispatch: bool = field(
        metadata={
            "name": "reactivePowerDispatch",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        }
    )
    real_power_dispatch: bool = field(
        metadata={
            "name": "realPowerDispatch",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        }
    )
    voltage_regulation: bool = field(
        metadata={
            "name": "voltageRegulation",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        }
    )
    volt_var_curve_function: bool = field(
        metadata={
            "name": "voltVarCurveFunction",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        }
    )
    volt_watt_curve_function: bool = field(
        metadata={
            "name": "voltWattCurveFunction",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        }
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
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        },
    )
    name: str = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        }
    )


class Version(BaseModel):
    """
    This is the version for a group of devices or objects.

    This could be used to track the version for any group of objects or
    devices over time. For example, for a DERGroup, the requesting system
    may want to get the details of a specific version of a DERGroup.

    :ivar date: date of this version
    :ivar major: major release level for this version
    :ivar minor: minor release level for this version
    :ivar revision: revision level for this version
    """

    model_config = ConfigDict(defer_build=True)
    date: None | XmlDateTime = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        },
    )
    major: None | int = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        },
    )
    minor: None | int = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        },
    )
    revision: None | int = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        },
    )


class NameType(BaseModel):
    """
    Type of name.

    Possible values for attribute 'name' are implementation dependent but
    standard profiles may specify types. An enterprise may have multiple IT
    systems each having its own local name for the same object, e.g. a
    planning system may have different names from an EMS. An object may
    also have different names within the same IT system, e.g. localName as
    defined in CIM version 14. The definition from CIM14 is: The localName
    is a human readable name of the object. It is a free text name local to
    a node in a naming hierarchy similar to a file directory structure. A
    power system related naming hierarchy may be: Substation, VoltageLevel,
    Equipment etc. Children of the same parent in such a hierarchy have
    names that typically are unique among them.

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
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        },
    )
    name: str = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        }
    )
    name_type_authority: None | NameTypeAuthority = field(
        default=None,
        metadata={
            "name": "NameTypeAuthority",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
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
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        }
    )
    name_type: None | NameType = field(
        default=None,
        metadata={
            "name": "NameType",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        },
    )


class EndDevice(BaseModel):
    """
    Asset container that performs one or more end device functions.

    One type of end device is a meter which can perform metering, load
    management, connect/disconnect, accounting functions, etc. Some end
    devices, such as ones monitoring and controlling air conditioners,
    refrigerators, pool pumps may be connected to a meter. All end devices
    may have communication capability defined by the associated
    communication function(s). An end device may be owned by a consumer, a
    service provider, utility or otherwise. There may be a related end
    device function that identifies a sensor or control point within a
    metering application or communications systems (e.g., water, gas,
    electricity). Some devices may use an optical port that conforms to the
    ANSI C12.18 standard for communications.

    :ivar m_rid: Master resource identifier issued by a model authority.
        The mRID is unique within an exchange context. Global uniqueness
        is easily achieved by using a UUID,  as specified in RFC 4122,
        for the mRID. The use of UUID is strongly recommended. For
        CIMXML data files in RDF syntax conforming to IEC 61970-552
        Edition 1, the mRID is mapped to rdf:ID or rdf:about attributes
        that identify CIM object elements.
    :ivar names: All names of this identified object.
    """

    model_config = ConfigDict(defer_build=True)
    m_rid: None | str = field(
        default=None,
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        },
    )
    names: list[Name] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        },
    )


class EndDeviceGroup(BaseModel):
    """
    Abstraction for management of group communications within a two-way AMR
    system or the data for a group of related end devices.

    Commands can be issued to all of the end devices that belong to the
    group using a defined group address and the underlying AMR
    communication infrastructure. A DERGroup and a PANDeviceGroup is an
    EndDeviceGroup.

    :ivar m_rid: Master resource identifier issued by a model authority.
        The mRID is unique within an exchange context. Global uniqueness
        is easily achieved by using a UUID,  as specified in RFC 4122,
        for the mRID. The use of UUID is strongly recommended. For
        CIMXML data files in RDF syntax conforming to IEC 61970-552
        Edition 1, the mRID is mapped to rdf:ID or rdf:about attributes
        that identify CIM object elements.
    :ivar description: The description is a free human readable text
        describing or naming the object. It may be non unique and may
        not correlate to a naming hierarchy.
    :ivar derfunction:
    :ivar end_devices: All end devices this end device group refers to.
    :ivar names: All names of this identified object.
    :ivar version:
    """

    model_config = ConfigDict(defer_build=True)
    m_rid: None | str = field(
        default=None,
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        },
    )
    description: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        },
    )
    derfunction: None | Derfunction = field(
        default=None,
        metadata={
            "name": "DERFunction",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        },
    )
    end_devices: list[EndDevice] = field(
        default_factory=list,
        metadata={
            "name": "EndDevices",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        },
    )
    names: list[Name] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        },
    )
    version: None | Version = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroups#",
        },
    )


class Dergroups(BaseModel):
    class Meta:
        name = "DERGroups"
        namespace = "http://iec.ch/TC57/2017/DERGroups#"

    model_config = ConfigDict(defer_build=True)
    end_device_group: list[EndDeviceGroup] = field(
        default_factory=list,
        metadata={
            "name": "EndDeviceGroup",
            "type": "Element",
            "min_occurs": 1,
        },
    )
