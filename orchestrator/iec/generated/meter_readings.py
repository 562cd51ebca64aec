from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict
from xsdata.models.datatype import XmlDateTime
from xsdata_pydantic.fields import field

__NAMESPACE__ = "http://iec.ch/TC57/2011/MeterReadings#"


class DateTimeInterval(BaseModel):
    """
    Interval of date and time.

    :ivar end: End date and time of this interval.
    :ivar start: Start date and time of this interval.
    """

    model_config = ConfigDict(defer_build=True)
    end: None | XmlDateTime = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    start: None | XmlDateTime = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )


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
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        }
    )
    value: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
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

    :ivar name: Name of the name type.
    """

    model_config = ConfigDict(defer_build=True)
    name: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )


class PendingCalculation(BaseModel):
    """
    When present, a scalar conversion that needs to be applied to every
    IntervalReading.value contained in IntervalBlock.

    This conversion results in a new associated ReadingType, reflecting the
    true dimensions of IntervalReading values after the conversion.

    :ivar multiply_before_add: Whether scalars should be applied before
        adding the 'offset'.
    :ivar offset: (if applicable) Offset to be added as well as
        multiplication using scalars.
    :ivar scalar_denominator: (if scalar is rational number) When
        'IntervalReading.value' is multiplied by 'scalarNumerator' and
        divided by this value, it causes a unit of measure conversion to
        occur, resulting in the 'ReadingType.unit'.
    :ivar scalar_float: (if scalar is floating number) When multiplied
        with 'IntervalReading.value', it causes a unit of measure
        conversion to occur, according to the 'ReadingType.unit'.
    :ivar scalar_numerator: (if scalar is integer or rational number)
        When the scalar is a simple integer, and this attribute is
        presented alone and multiplied with 'IntervalReading.value', it
        causes a unit of measure conversion to occur, resulting in the
        'ReadingType.unit'. It is never used in conjunction with
        'scalarFloat', only with 'scalarDenominator'.
    :ivar reading_type: Reading type resulting from this pending
        conversion.
    """

    model_config = ConfigDict(defer_build=True)
    multiply_before_add: None | bool = field(
        default=None,
        metadata={
            "name": "multiplyBeforeAdd",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    offset: None | int = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    scalar_denominator: None | int = field(
        default=None,
        metadata={
            "name": "scalarDenominator",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    scalar_float: None | float = field(
        default=None,
        metadata={
            "name": "scalarFloat",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    scalar_numerator: None | int = field(
        default=None,
        metadata={
            "name": "scalarNumerator",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    reading_type: PendingCalculation.ReadingType = field(
        metadata={
            "name": "ReadingType",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        }
    )

    class ReadingType(BaseModel):
        model_config = ConfigDict(defer_build=True)
        ref: None | str = field(
            default=None,
            metadata={
                "type": "Attribute",
            },
        )


class RationalNumber(BaseModel):
    """
    Rational number = 'numerator' / 'denominator'.

    :ivar denominator: Denominator. Value 1 indicates the number is a
        simple integer.
    :ivar numerator: Numerator.
    """

    model_config = ConfigDict(defer_build=True)
    denominator: int = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        }
    )
    numerator: int = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        }
    )


class ReadingInterharmonic(BaseModel):
    """
    Interharmonics are represented as a rational number 'numerator' /
    'denominator', and harmonics are represented using the same mechanism
    and identified by 'denominator'=1.

    :ivar denominator: Interharmonic denominator. Value 0 means not
        applicable. Value 2 is used in combination with 'numerator'=1 to
        represent interharmonic 1/2. Finally, value 1 indicates the
        harmonic of the order specified with 'numerator'.
    :ivar numerator: Interharmonic numerator. Value 0 means not
        applicable. Value 1 is used in combination with 'denominator'=2
        to represent interharmonic 1/2, and with 'denominator'=1 it
        represents fundamental frequency. Finally, values greater than 1
        indicate the harmonic of that order (e.g., 'numerator'=5 is the
        fifth harmonic).
    """

    model_config = ConfigDict(defer_build=True)
    denominator: int = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        }
    )
    numerator: int = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        }
    )


class ReadingQuality(BaseModel):
    """
    Quality of a specific reading value or interval reading value.

    Note that more than one quality may be applicable to a given reading.
    Typically not used unless problems or unusual conditions occur (i.e.,
    quality for each reading is assumed to be good unless stated otherwise
    in associated reading quality type). It can also be used with the
    corresponding reading quality type to indicate that the validation has
    been performed and succedeed.

    :ivar comment: Elaboration on the quality code.
    :ivar source: System acting as the source of the quality code.
    :ivar time_stamp: Date and time at which the quality code was
        assigned or ascertained.
    :ivar reading_quality_type: Type of this reading quality.
    """

    model_config = ConfigDict(defer_build=True)
    comment: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    source: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    time_stamp: None | XmlDateTime = field(
        default=None,
        metadata={
            "name": "timeStamp",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    reading_quality_type: ReadingQuality.ReadingQualityType = field(
        metadata={
            "name": "ReadingQualityType",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        }
    )

    class ReadingQualityType(BaseModel):
        model_config = ConfigDict(defer_build=True)
        ref: None | str = field(
            default=None,
            metadata={
                "type": "Attribute",
            },
        )


class ReadingsReason(Enum):
    """
    :cvar BILLING: Inquiry or demand.
    :cvar DEMAND_RESET:
    :cvar INQUIRY:
    :cvar INSTALLATION:
    :cvar LOAD_MANAGEMENT:
    :cvar LOAD_RESEARCH:
    :cvar MOVE_IN:
    :cvar MOVE_OUT:
    :cvar OTHER:
    :cvar REMOVAL:
    :cvar SERVICE_CONNECT:
    :cvar SERVICE_DISCONNECT:
    """

    BILLING = "billing"
    DEMAND_RESET = "demandReset"
    INQUIRY = "inquiry"
    INSTALLATION = "installation"
    LOAD_MANAGEMENT = "loadManagement"
    LOAD_RESEARCH = "loadResearch"
    MOVE_IN = "moveIn"
    MOVE_OUT = "moveOut"
    OTHER = "other"
    REMOVAL = "removal"
    SERVICE_CONNECT = "serviceConnect"
    SERVICE_DISCONNECT = "serviceDisconnect"


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
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    reason: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    remark: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    value: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )


class Meter(BaseModel):
    """
    Physical asset that performs the metering role of the usage poiny.

    Used for measuring consumption and detection of events.

    :ivar m_rid: A Model Authority issues mRIDs. Given that each Model
        Authority has a unique id and this id is part of the mRID, then
        the mRID is globally unique. Global uniqeness is easily achived
        by using a UUID for the mRID. It is strongly recommended to do
        this. For CIMXML data files the mRID is mapped to rdf:ID or
        rdf:about attributes that identifies CIM object elements.
    :ivar names: All names of this identified object.
    :ivar status: Status of this asset.
    """

    model_config = ConfigDict(defer_build=True)
    m_rid: None | str = field(
        default=None,
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    names: list[Meter.Names] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    status: None | Status = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )

    class Names(BaseModel):
        """
        :ivar name: Any free text that name the object.
        :ivar name_type: Type of this name.
        """

        model_config = ConfigDict(defer_build=True)
        name: str = field(
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
            }
        )
        name_type: None | Meter.Names.NameType = field(
            default=None,
            metadata={
                "name": "NameType",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
            },
        )

        class NameType(BaseModel):
            """
            :ivar description: Description of the name type.
            :ivar name: Name of the name type.
            :ivar name_type_authority: Authority responsible for
                managing names of this type.
            """

            model_config = ConfigDict(defer_build=True)
            description: None | str = field(
                default=None,
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )
            name: str = field(
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                }
            )
            name_type_authority: (
                None | Meter.Names.NameType.NameTypeAuthority
            ) = field(
                default=None,
                metadata={
                    "name": "NameTypeAuthority",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )

            class NameTypeAuthority(BaseModel):
                """
                :ivar description: Description of the name type
                    authority.
                :ivar name: Name of the name type authority.
                """

                model_config = ConfigDict(defer_build=True)
                description: None | str = field(
                    default=None,
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                    },
                )
                name: str = field(
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                    }
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
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        }
    )
    name_type: None | NameType = field(
        default=None,
        metadata={
            "name": "NameType",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
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
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    domain: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    event_or_action: None | str = field(
        default=None,
        metadata={
            "name": "eventOrAction",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    sub_domain: None | str = field(
        default=None,
        metadata={
            "name": "subDomain",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    type_value: None | str = field(
        default=None,
        metadata={
            "name": "type",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    names: Name = field(
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        }
    )


class ReadingQualityType(BaseModel):
    """
    Detailed description for a quality of a reading value, produced by an
    end device or a system.

    Values in attributes allow for creation of recommended codes to be used
    for identifying reading value quality codes as follows:
    &amp;lt;systemId&amp;gt;.&amp;lt;category&amp;gt;.&amp;lt;index&amp;gt;.

    :ivar m_rid: A Model Authority issues mRIDs. Given that each Model
        Authority has a unique id and this id is part of the mRID, then
        the mRID is globally unique. Global uniqeness is easily achived
        by using a UUID for the mRID. It is strongly recommended to do
        this. For CIMXML data files the mRID is mapped to rdf:ID or
        rdf:about attributes that identifies CIM object elements.
    :ivar category: High-level nature of the reading value quality.
    :ivar sub_category: More specific nature of the reading value
        quality, as a further sub-categorisation of 'category'.
    :ivar system_id: Identification of the system which has declared the
        issue with the data or provided commentary on the data.
    :ivar names: All names of this identified object.
    """

    model_config = ConfigDict(defer_build=True)
    m_rid: None | str = field(
        default=None,
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    category: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    sub_category: None | str = field(
        default=None,
        metadata={
            "name": "subCategory",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    system_id: None | str = field(
        default=None,
        metadata={
            "name": "systemId",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    names: Name = field(
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        }
    )


class ReadingType(BaseModel):
    """
    Detailed description for a type of a reading value.

    Values in attributes allow for creation of recommended codes to be used
    for identifying reading value types as follows:
    &amp;lt;macroPeriod&amp;gt;.&amp;lt;aggregate&amp;gt;.&amp;lt;measuringPeriod&amp;gt;.&amp;lt;accumulation&amp;gt;.&amp;lt;flowDirection&amp;gt;.&amp;lt;commodity&amp;gt;.&amp;lt;measurementKind&amp;gt;.&amp;lt;interharmonic.numerator&amp;gt;.&amp;lt;interharmonic.denominator&amp;gt;.&amp;lt;argument.numerator&amp;gt;.&amp;lt;argument.denominator&amp;gt;.&amp;lt;tou&amp;gt;.&amp;lt;cpp&amp;gt;.&amp;lt;consumptionTier&amp;gt;.&amp;lt;phases&amp;gt;.&amp;lt;multiplier&amp;gt;.&amp;lt;unit&amp;gt;.&amp;lt;currency&amp;gt;.

    :ivar m_rid: A Model Authority issues mRIDs. Given that each Model
        Authority has a unique id and this id is part of the mRID, then
        the mRID is globally unique. Global uniqeness is easily achived
        by using a UUID for the mRID. It is strongly recommended to do
        this. For CIMXML data files the mRID is mapped to rdf:ID or
        rdf:about attributes that identifies CIM object elements.
    :ivar accumulation: Accumulation behaviour of a reading over time,
        usually 'measuringPeriod', to be used with individual endpoints
        (as opposed to 'macroPeriod' and 'aggregate' that are used to
        describe aggregations of data from individual endpoints).
    :ivar aggregate: Salient attribute of the reading data aggregated
        from individual endpoints. This is mainly used to define a
        mathematical operation carried out over 'macroPeriod', but may
        also be used to describe an attribute of the data when the
        'macroPeriod' is not defined.
    :ivar commodity: Commodity being measured.
    :ivar consumption_tier: In case of common flat-rate pricing for
        power, in which all purchases are at a given rate,
        'consumptionTier'=0. Otherwise, the value indicates the
        consumption tier, which can be used in conjunction with TOU or
        CPP pricing. Consumption tier pricing refers to the method of
        billing in which a certain "block" of energy is purchased/sold
        at one price, after which the next block of energy is purchased
        at another price, and so on, all throughout a defined period. At
        the start of the defined period, consumption is initially zero,
        and any usage is measured against the first consumption tier
        ('consumptionTier'=1). If this block of energy is consumed
        before the end of the period, energy consumption moves to be
        reconed against the second consumption tier
        ('consumptionTier'=2), and so on. At the end of the defined
        period, the consumption accumulator is reset, and usage within
        the 'consumptionTier'=1 restarts.
    :ivar cpp: Critical peak period (CPP) bucket the reading value is
        attributed to. Value 0 means not applicable. Even though CPP is
        usually considered a specialised form of time of use 'tou', this
        attribute is defined explicitly for flexibility.
    :ivar currency:
    :ivar flow_direction: Flow direction for a reading where the
        direction of flow of the commodity is important (for electricity
        measurements this includes current, energy, power, and demand).
    :ivar macro_period: Time period of interest that reflects how the
        reading is viewed or captured over a long period of time.
    :ivar measurement_kind: Identifies "what" is being measured, as
        refinement of 'commodity'. When combined with 'unit', it
        provides detail to the unit of measure. For example, 'energy'
        with a unit of measure of 'kWh' indicates to the user that
        active energy is being measured, while with 'kVAh' or 'kVArh',
        it indicates apparent energy and reactive energy, respectively.
        'power' can be combined in a similar way with various power
        units of measure: Distortion power ('distortionVoltAmperes')
        with 'kVA' is different from 'power' with 'kVA'.
    :ivar measuring_period: Time attribute inherent or fundamental to
        the reading value (as opposed to 'macroPeriod' that supplies an
        "adjective" to describe aspects of a time period with regard to
        the measurement). It refers to the way the value was originally
        measured and not to the frequency at which it is reported or
        presented. For example, an hourly interval of consumption data
        would have value 'hourly' as an attribute. However in the case
        of an hourly sampled voltage value, the meterReadings schema
        would carry the 'hourly' interval size information. It is common
        for meters to report demand in a form that is measured over the
        course of a portion of an hour, while enterprise applications
        however commonly assume the demand (in kW or kVAr) normalised to
        1 hour. The sytem that receives readings directly from the meter
        therefore must perform this transformation before publishing
        readings for use by the other enterprise systems. The scalar
        used is chosen based on the block size (not any sub-interval
        size).
    :ivar multiplier:
    :ivar phases:
    :ivar tou: Time of use (TOU) bucket the reading value is attributed
        to. Value 0 means not applicable.
    :ivar unit:
    :ivar argument: Argument used to introduce numbers into the unit of
        measure description where they are needed (e.g., 4 where the
        measure needs an argument such as CEMI(n=4)). Most arguments
        used in practice however will be integers (i.e.,
        'denominator'=1). Value 0 in 'numerator' and 'denominator' means
        not applicable.
    :ivar interharmonic: Indication of a "harmonic" or "interharmonic"
        basis for the measurement. Value 0 in 'numerator' and
        'denominator' means not applicable.
    :ivar names: All names of this identified object.
    """

    model_config = ConfigDict(defer_build=True)
    m_rid: None | str = field(
        default=None,
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    accumulation: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    aggregate: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    commodity: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    consumption_tier: None | int = field(
        default=None,
        metadata={
            "name": "consumptionTier",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    cpp: None | int = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    currency: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    flow_direction: None | str = field(
        default=None,
        metadata={
            "name": "flowDirection",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    macro_period: None | str = field(
        default=None,
        metadata={
            "name": "macroPeriod",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    measurement_kind: None | str = field(
        default=None,
        metadata={
            "name": "measurementKind",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    measuring_period: None | str = field(
        default=None,
        metadata={
            "name": "measuringPeriod",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    multiplier: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    phases: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    tou: None | int = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    unit: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    argument: None | RationalNumber = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    interharmonic: None | ReadingInterharmonic = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    names: Name = field(
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        }
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
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    names: list[Name] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
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
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    created_date_time: XmlDateTime = field(
        metadata={
            "name": "createdDateTime",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        }
    )
    issuer_id: None | str = field(
        default=None,
        metadata={
            "name": "issuerID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    issuer_tracking_id: None | str = field(
        default=None,
        metadata={
            "name": "issuerTrackingID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    reason: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    severity: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    user_id: None | str = field(
        default=None,
        metadata={
            "name": "userID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    end_device_event_details: list[EndDeviceEventDetail] = field(
        default_factory=list,
        metadata={
            "name": "EndDeviceEventDetails",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    end_device_event_type: EndDeviceEvent.EndDeviceEventType = field(
        metadata={
            "name": "EndDeviceEventType",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        }
    )
    names: list[EndDeviceEvent.Names] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    status: None | Status = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    usage_point: None | UsagePoint = field(
        default=None,
        metadata={
            "name": "UsagePoint",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
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

    class Names(BaseModel):
        """
        :ivar name: Any free text that name the object.
        :ivar name_type: Type of this name.
        """

        model_config = ConfigDict(defer_build=True)
        name: str = field(
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
            }
        )
        name_type: None | EndDeviceEvent.Names.NameType = field(
            default=None,
            metadata={
                "name": "NameType",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
            },
        )

        class NameType(BaseModel):
            """
            :ivar description: Description of the name type.
            :ivar name: Name of the name type.
            :ivar name_type_authority: Authority responsible for
                managing names of this type.
            """

            model_config = ConfigDict(defer_build=True)
            description: None | str = field(
                default=None,
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )
            name: str = field(
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                }
            )
            name_type_authority: (
                None | EndDeviceEvent.Names.NameType.NameTypeAuthority
            ) = field(
                default=None,
                metadata={
                    "name": "NameTypeAuthority",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )

            class NameTypeAuthority(BaseModel):
                """
                :ivar description: Description of the name type
                    authority.
                :ivar name: Name of the name type authority.
                """

                model_config = ConfigDict(defer_build=True)
                description: None | str = field(
                    default=None,
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                    },
                )
                name: str = field(
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                    }
                )


class MeterReading(BaseModel):
    """
    Set of values obtained from the meter.

    :ivar is_coincident_trigger: If true, this meter reading is the
        meter reading for which other coincident meter readings are
        requested or provided.
    :ivar end_device_events: All end device events associated with this
        set of measured values.
    :ivar interval_blocks: All interval blocks contained in this meter
        reading.
    :ivar meter: Meter providing this reading.
    :ivar readings: All reading values contained within this meter
        reading.
    :ivar usage_point: Usage point from which this meter reading (set of
        values) has been obtained.
    :ivar values_interval: Date and time interval of the data items
        contained within this meter reading.
    """

    model_config = ConfigDict(defer_build=True)
    is_coincident_trigger: None | bool = field(
        default=None,
        metadata={
            "name": "isCoincidentTrigger",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    end_device_events: list[EndDeviceEvent] = field(
        default_factory=list,
        metadata={
            "name": "EndDeviceEvents",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    interval_blocks: list[MeterReading.IntervalBlocks] = field(
        default_factory=list,
        metadata={
            "name": "IntervalBlocks",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    meter: None | MeterReading.Meter = field(
        default=None,
        metadata={
            "name": "Meter",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    readings: list[MeterReading.Readings] = field(
        default_factory=list,
        metadata={
            "name": "Readings",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    usage_point: None | UsagePoint = field(
        default=None,
        metadata={
            "name": "UsagePoint",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )
    values_interval: None | DateTimeInterval = field(
        default=None,
        metadata={
            "name": "valuesInterval",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
        },
    )

    class IntervalBlocks(BaseModel):
        """
        :ivar interval_readings: Interval reading contained in this
            block.
        :ivar pending_calculation: Pending conversion to apply to
            interval reading values contained by this block (after which
            the resulting reading type is different than the original
            because it reflects the conversion result).
        :ivar reading_type: Type information for interval reading values
            contained in this block.
        """

        model_config = ConfigDict(defer_build=True)
        interval_readings: list[
            MeterReading.IntervalBlocks.IntervalReadings
        ] = field(
            default_factory=list,
            metadata={
                "name": "IntervalReadings",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
            },
        )
        pending_calculation: (
            None | MeterReading.IntervalBlocks.PendingCalculation
        ) = field(
            default=None,
            metadata={
                "name": "PendingCalculation",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
            },
        )
        reading_type: MeterReading.IntervalBlocks.ReadingType = field(
            metadata={
                "name": "ReadingType",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
            }
        )

        class IntervalReadings(BaseModel):
            """
            :ivar reported_date_time: (used only when there are detailed
                auditing requirements) Date and time at which the
                reading was first delivered to the metering system.
            :ivar source: System that originally supplied the reading
                (e.g., customer, AMI system, handheld reading system,
                another enterprise system, etc.).
            :ivar time_stamp: The time when the value was last updated
            :ivar value: Value of this reading.
            :ivar reading_qualities: All qualities of this reading.
            :ivar time_period: Start and end of the period for those
                readings whose type has a time attribute such as
                'billing', seasonal' or 'forTheSpecifiedPeriod'.
            """

            model_config = ConfigDict(defer_build=True)
            reported_date_time: None | XmlDateTime = field(
                default=None,
                metadata={
                    "name": "reportedDateTime",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )
            source: None | str = field(
                default=None,
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )
            time_stamp: None | XmlDateTime = field(
                default=None,
                metadata={
                    "name": "timeStamp",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )
            value: None | float = field(
                default=None,
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )
            reading_qualities: list[
                MeterReading.IntervalBlocks.IntervalReadings.ReadingQualities
            ] = field(
                default_factory=list,
                metadata={
                    "name": "ReadingQualities",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )
            time_period: None | DateTimeInterval = field(
                default=None,
                metadata={
                    "name": "timePeriod",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )

            class ReadingQualities(BaseModel):
                """
                :ivar comment: Elaboration on the quality code.
                :ivar source: System acting as the source of the quality
                    code.
                :ivar time_stamp: Date and time at which the quality
                    code was assigned or ascertained.
                :ivar reading_quality_type: Type of this reading
                    quality.
                """

                model_config = ConfigDict(defer_build=True)
                comment: None | str = field(
                    default=None,
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                    },
                )
                source: None | str = field(
                    default=None,
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                    },
                )
                time_stamp: None | XmlDateTime = field(
                    default=None,
                    metadata={
                        "name": "timeStamp",
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                    },
                )
                reading_quality_type: MeterReading.IntervalBlocks.IntervalReadings.ReadingQualities.ReadingQualityType = field(
                    metadata={
                        "name": "ReadingQualityType",
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                    }
                )

                class ReadingQualityType(BaseModel):
                    model_config = ConfigDict(defer_build=True)
                    ref: None | str = field(
                        default=None,
                        metadata={
                            "type": "Attribute",
                        },
                    )

        class PendingCalculation(BaseModel):
            """
            :ivar multiply_before_add: Whether scalars should be applied
                before adding the 'offset'.
            :ivar offset: (if applicable) Offset to be added as well as
                multiplication using scalars.
            :ivar scalar_denominator: (if scalar is rational number)
                When 'IntervalReading.value' is multiplied by
                'scalarNumerator' and divided by this value, it causes a
                unit of measure conversion to occur, resulting in the
                'ReadingType.unit'.
            :ivar scalar_float: (if scalar is floating number) When
                multiplied with 'IntervalReading.value', it causes a
                unit of measure conversion to occur, according to the
                'ReadingType.unit'.
            :ivar scalar_numerator: (if scalar is integer or rational
                number) When the scalar is a simple integer, and this
                attribute is presented alone and multiplied with
                'IntervalReading.value', it causes a unit of measure
                conversion to occur, resulting in the
                'ReadingType.unit'. It is never used in conjunction with
                'scalarFloat', only with 'scalarDenominator'.
            :ivar reading_type: Reading type resulting from this pending
                conversion.
            """

            model_config = ConfigDict(defer_build=True)
            multiply_before_add: None | bool = field(
                default=None,
                metadata={
                    "name": "multiplyBeforeAdd",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )
            offset: None | int = field(
                default=None,
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )
            scalar_denominator: None | int = field(
                default=None,
                metadata={
                    "name": "scalarDenominator",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )
            scalar_float: None | float = field(
                default=None,
                metadata={
                    "name": "scalarFloat",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )
            scalar_numerator: None | int = field(
                default=None,
                metadata={
                    "name": "scalarNumerator",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )
            reading_type: MeterReading.IntervalBlocks.PendingCalculation.ReadingType = field(
                metadata={
                    "name": "ReadingType",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                }
            )

            class ReadingType(BaseModel):
                model_config = ConfigDict(defer_build=True)
                ref: None | str = field(
                    default=None,
                    metadata={
                        "type": "Attribute",
                    },
                )

        class ReadingType(BaseModel):
            model_config = ConfigDict(defer_build=True)
            ref: None | str = field(
                default=None,
                metadata={
                    "type": "Attribute",
                },
            )

    class Meter(BaseModel):
        """
        :ivar m_rid: A Model Authority issues mRIDs. Given that each
            Model Authority has a unique id and this id is part of the
            mRID, then the mRID is globally unique. Global uniqeness is
            easily achived by using a UUID for the mRID. It is strongly
            recommended to do this. For CIMXML data files the mRID is
            mapped to rdf:ID or rdf:about attributes that identifies CIM
            object elements.
        :ivar names: All names of this identified object.
        :ivar status: Status of this asset.
        """

        model_config = ConfigDict(defer_build=True)
        m_rid: None | str = field(
            default=None,
            metadata={
                "name": "mRID",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
            },
        )
        names: list[MeterReading.Meter.Names] = field(
            default_factory=list,
            metadata={
                "name": "Names",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
            },
        )
        status: None | MeterReading.Meter.Status = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
            },
        )

        class Names(BaseModel):
            """
            :ivar name: Any free text that name the object.
            :ivar name_type: Type of this name.
            """

            model_config = ConfigDict(defer_build=True)
            name: str = field(
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                }
            )
            name_type: None | MeterReading.Meter.Names.NameType = field(
                default=None,
                metadata={
                    "name": "NameType",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )

            class NameType(BaseModel):
                """
                :ivar description: Description of the name type.
                :ivar name: Name of the name type.
                :ivar name_type_authority: Authority responsible for
                    managing names of this type.
                """

                model_config = ConfigDict(defer_build=True)
                description: None | str = field(
                    default=None,
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                    },
                )
                name: str = field(
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                    }
                )
                name_type_authority: MeterReading.Meter.Names.NameType.NameTypeAuthority = field(
                    metadata={
                        "name": "NameTypeAuthority",
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                    }
                )

                class NameTypeAuthority(BaseModel):
                    """
                    :ivar description: Description of the name type
                        authority.
                    :ivar name: Name of the name type authority.
                    """

                    model_config = ConfigDict(defer_build=True)
                    description: None | str = field(
                        default=None,
                        metadata={
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                        },
                    )
                    name: str = field(
                        metadata={
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                        }
                    )

        class Status(BaseModel):
            """
            :ivar date_time: Date and time for which status 'value'
                applies.
            :ivar reason: Reason code or explanation for why an object
                went to the current status 'value'.
            :ivar remark: Pertinent information regarding the current
                'value', as free form text.
            :ivar value: Status value at 'dateTime'; prior status
                changes may have been kept in instances of activity
                records associated with the object to which this status
                applies.
            """

            model_config = ConfigDict(defer_build=True)
            date_time: None | XmlDateTime = field(
                default=None,
                metadata={
                    "name": "dateTime",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )
            reason: None | str = field(
                default=None,
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )
            remark: None | str = field(
                default=None,
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                },
            )
            value: str = field(
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
                }
            )

    class Readings(BaseModel):
        """
        :ivar reason: Reason for this reading being taken.
        :ivar reported_date_time: (used only when there are detailed
            auditing requirements) Date and time at which the reading
            was first delivered to the metering system.
        :ivar source: System that originally supplied the reading (e.g.,
            customer, AMI system, handheld reading system, another
            enterprise system, etc.).
        :ivar time_stamp: The time when the value was last updated
        :ivar value: Value of this reading.
        :ivar reading_qualities: All qualities of this reading.
        :ivar reading_type: Type information for this reading value.
        :ivar time_period: Start and end of the period for those
            readings whose type has a time attribute such as 'billing',
            seasonal' or 'forTheSpecifiedPeriod'.
        """

        model_config = ConfigDict(defer_build=True)
        reason: None | ReadingsReason = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
            },
        )
        reported_date_time: None | XmlDateTime = field(
            default=None,
            metadata={
                "name": "reportedDateTime",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
            },
        )
        source: None | str = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
            },
        )
        time_stamp: None | XmlDateTime = field(
            default=None,
            metadata={
                "name": "timeStamp",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
            },
        )
        value: None | float = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
            },
        )
        reading_qualities: list[ReadingQuality] = field(
            default_factory=list,
            metadata={
                "name": "ReadingQualities",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
            },
        )
        reading_type: MeterReading.Readings.ReadingType = field(
            metadata={
                "name": "ReadingType",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
            }
        )
        time_period: None | DateTimeInterval = field(
            default=None,
            metadata={
                "name": "timePeriod",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadings#",
            },
        )

        class ReadingType(BaseModel):
            model_config = ConfigDict(defer_build=True)
            ref: None | str = field(
                default=None,
                metadata={
                    "type": "Attribute",
                },
            )


class MeterReadings(BaseModel):
    class Meta:
        namespace = "http://iec.ch/TC57/2011/MeterReadings#"

    model_config = ConfigDict(defer_build=True)
    end_device_event_type: list[EndDeviceEventType] = field(
        default_factory=list,
        metadata={
            "name": "EndDeviceEventType",
            "type": "Element",
        },
    )
    meter_reading: list[MeterReading] = field(
        default_factory=list,
        metadata={
            "name": "MeterReading",
            "type": "Element",
        },
    )
    reading_quality_type: list[ReadingQualityType] = field(
        default_factory=list,
        metadata={
            "name": "ReadingQualityType",
            "type": "Element",
        },
    )
    reading_type: list[ReadingType] = field(
        default_factory=list,
        metadata={
            "name": "ReadingType",
            "type": "Element",
        },
    )
