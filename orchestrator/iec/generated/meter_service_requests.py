from __future__ import annotations

from enum import Enum
from xml.etree.ElementTree import QName

from pydantic import BaseModel, ConfigDict
from xsdata.models.datatype import XmlDateTime
from xsdata_pydantic.fields import field


class CustomersKind(Enum):
    COMMERCIAL_INDUSTRIAL = "commercialIndustrial"
    ENERGY_SERVICE_SCHEDULER = "energyServiceScheduler"
    ENERGY_SERVICE_SUPPLIER = "energyServiceSupplier"
    INTERNAL_USE = "internalUse"
    OTHER = "other"
    PUMPING_LOAD = "pumpingLoad"
    RESIDENTIAL = "residential"
    RESIDENTIAL_AND_COMMERCIAL = "residentialAndCommercial"
    RESIDENTIAL_AND_STREETLIGHT = "residentialAndStreetlight"
    RESIDENTIAL_FARM_SERVICE = "residentialFarmService"
    RESIDENTIAL_STREETLIGHT_OTHERS = "residentialStreetlightOthers"
    WIND_MACHINE = "windMachine"


class DateTimeInterval(BaseModel):
    """
    Interval of date and time.

    :ivar end: End date and time of this interval.
    :ivar start: Start date and time of this interval.
    """

    class Meta:
        target_namespace = "http://iec.ch/TC57/2011/MeterServiceRequests#"

    model_config = ConfigDict(defer_build=True)
    end: None | XmlDateTime = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    start: None | XmlDateTime = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )


class MeterMultipliersKind(Enum):
    """
    :cvar CT_RATIO: Current transformer ratio used to convert associated
        quantities to real measurements.
    :cvar K_E: Test constant.
    :cvar K_H: Meter kh (watthour) constant. The number of watthours
        that must be applied to the meter to cause one disk revolution
        for an electromechanical meter or the number of watthours
        represented by one increment pulse for an electronic meter.
    :cvar K_R: Register multiplier. The number to multiply the register
        reading by in order to get kWh.
    :cvar PT_RATIO: Voltage transformer ratio used to convert associated
        quantities to real measurements.
    :cvar TRANSFORMER_RATIO: Product of the CT ratio and PT ratio.
    """

    CT_RATIO = "ctRatio"
    K_E = "kE"
    K_H = "kH"
    K_R = "kR"
    PT_RATIO = "ptRatio"
    TRANSFORMER_RATIO = "transformerRatio"


class MeterServiceWorkKind(Enum):
    CONSTRUCTION = "construction"
    DISCONNECT = "disconnect"
    INSPECTION = "inspection"
    MAINTENANCE = "maintenance"
    METER = "meter"
    OTHER = "other"
    RECONNECT = "reconnect"
    REPAIR = "repair"
    SERVICE = "service"
    TEST = "test"


class NameType2(BaseModel):
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

    class Meta:
        name = "NameType"
        target_namespace = "http://iec.ch/TC57/2011/MeterServiceRequests#"

    model_config = ConfigDict(defer_build=True)
    name: str = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        }
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


class ServiceMultipliersKind(Enum):
    """
    :cvar CT_RATIO: Current transformer ratio used to convert associated
        quantities to real measurements.
    :cvar PT_RATIO: Voltage transformer ratio used to convert associated
        quantities to real measurements.
    :cvar TRANSFORMER_RATIO: Product of the CT ratio and PT ratio.
    """

    CT_RATIO = "ctRatio"
    PT_RATIO = "ptRatio"
    TRANSFORMER_RATIO = "transformerRatio"


class UsagePointPhaseCode(Enum):
    """
    :cvar A: Phase A.
    :cvar AB: Phases A and B
    :cvar ABC: Phases A, B, and C.
    :cvar ABCN: Phases A, B, C, and N.
    :cvar ABN: Phases A, B, and neutral.
    :cvar AC: Phases A and C
    :cvar ACN: Phases A, C and neutral.
    :cvar AN: Phases A and neutral.
    :cvar B: Phase B.
    :cvar BC: Phases B and C
    :cvar BCN: Phases B, C, and neutral.
    :cvar BN: Phases B and neutral.
    :cvar C: Phase C.
    :cvar CN: Phases C and neutral.
    :cvar N: Neutral phase.
    :cvar S1: Secondary phase 1.
    :cvar S12: Secondary phase 1 and 2.
    :cvar S12_N: Secondary phases 1, 2, and neutral.
    :cvar S1_N: Secondary phase 1 and neutral.
    :cvar S2: Secondary phase 2.
    :cvar S2_N: Secondary phase 2 and neutral.
    """

    A = "A"
    AB = "AB"
    ABC = "ABC"
    ABCN = "ABCN"
    ABN = "ABN"
    AC = "AC"
    ACN = "ACN"
    AN = "AN"
    B = "B"
    BC = "BC"
    BCN = "BCN"
    BN = "BN"
    C = "C"
    CN = "CN"
    N = "N"
    S1 = "s1"
    S12 = "s12"
    S12_N = "s12N"
    S1_N = "s1N"
    S2 = "s2"
    S2_N = "s2N"


class ErrorTypeLevel(Enum):
    INFORM = "INFORM"
    WARNING = "WARNING"
    FATAL = "FATAL"
    CATASTROPHIC = "CATASTROPHIC"


class FaultMessageType(BaseModel):
    """
    Fault Messsage Type, which is used in cases where the incoming message
    (including the header) can not be parsed.
    """

    class Meta:
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)


class HeaderTypeContext(Enum):
    PRODUCTION = "PRODUCTION"
    TESTING = "TESTING"
    DEVELOPMENT = "DEVELOPMENT"
    STUDY = "STUDY"
    TRAINING = "TRAINING"


class HeaderTypeNoun(Enum):
    AUXILIARY_AGREEMENT_CONFIG = "AuxiliaryAgreementConfig"
    COM_MODULE_CONFIG = "ComModuleConfig"
    CUSTOMER_ACCOUNT_CONFIG = "CustomerAccountConfig"
    CUSTOMER_AGREEMENT_CONFIG = "CustomerAgreementConfig"
    CUSTOMER_CONFIG = "CustomerConfig"
    CUSTOMER_METER_DATA_SET = "CustomerMeterDataSet"
    END_DEVICE_CONFIG = "EndDeviceConfig"
    END_DEVICE_CONTROLS = "EndDeviceControls"
    END_DEVICE_EVENTS = "EndDeviceEvents"
    END_DEVICE_FIRMWARE = "EndDeviceFirmware"
    END_DEVICE_GROUPS = "EndDeviceGroups"
    MASTER_DATA_LINKAGE_CONFIG = "MasterDataLinkageConfig"
    METER_CONFIG = "MeterConfig"
    METER_READINGS = "MeterReadings"
    METER_READ_SCHEDULE = "MeterReadSchedule"
    METER_SERVICE_REQUEST = "MeterServiceRequest"
    METER_SERVICE_REQUESTS = "MeterServiceRequests"
    PRICING_STRUCTURE_CONFIG = "PricingStructureConfig"
    RECEIPT_RECORD = "ReceiptRecord"
    SERVICE_CATEGORY_CONFIG = "ServiceCategoryConfig"
    SERVICE_LOCATION_CONFIG = "ServiceLocationConfig"
    SERVICE_SUPPLIER_CONFIG = "ServiceSupplierConfig"
    TRANSACTION_RECORD = "TransactionRecord"
    USAGE_POINT_CONFIG = "UsagePointConfig"
    USAGE_POINT_GROUPS = "UsagePointGroups"
    USAGE_POINT_LOCATION_CONFIG = "UsagePointLocationConfig"


class HeaderTypeVerb(Enum):
    CANCEL = "cancel"
    CANCELED = "canceled"
    CHANGE = "change"
    CHANGED = "changed"
    CREATE = "create"
    CREATED = "created"
    CLOSE = "close"
    CLOSED = "closed"
    DELETE = "delete"
    DELETED = "deleted"
    GET = "get"
    SHOW = "show"
    REPLY = "reply"
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    EXECUTE = "execute"
    REPORT = "report"
    STOP = "stop"
    TERMINATE = "terminate"


class LocationType(BaseModel):
    """
    Process location where error was encountered.

    :ivar node: Name of the pipeline/branch/route node where error
        occurred
    :ivar pipeline: Name of the pipeline where error occurred (if
        applicable)
    :ivar stage: Name of the stage where error occurred (if applicable)
    """

    class Meta:
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    node: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    pipeline: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    stage: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )


class MessageProperty(BaseModel):
    """
    Message properties can be used for extended routing and filtering.
    """

    class Meta:
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    name: str = field(
        metadata={
            "name": "Name",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        }
    )
    value: None | str = field(
        default=None,
        metadata={
            "name": "Value",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )


class NameTypeAuthority(BaseModel):
    """
    From CIM.
    """

    class Meta:
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    name: None | object = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    description: None | object = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )


class OperationNoun(Enum):
    AUXILIARY_AGREEMENT_CONFIG = "AuxiliaryAgreementConfig"
    COM_MODULE_CONFIG = "ComModuleConfig"
    CUSTOMER_ACCOUNT_CONFIG = "CustomerAccountConfig"
    CUSTOMER_AGREEMENT_CONFIG = "CustomerAgreementConfig"
    CUSTOMER_CONFIG = "CustomerConfig"
    CUSTOMER_METER_DATA_SET = "CustomerMeterDataSet"
    END_DEVICE_CONFIG = "EndDeviceConfig"
    END_DEVICE_CONTROLS = "EndDeviceControls"
    END_DEVICE_EVENTS = "EndDeviceEvents"
    END_DEVICE_FIRMWARE = "EndDeviceFirmware"
    END_DEVICE_GROUPS = "EndDeviceGroups"
    MASTER_DATA_LINKAGE_CONFIG = "MasterDataLinkageConfig"
    METER_CONFIG = "MeterConfig"
    METER_READINGS = "MeterReadings"
    METER_READ_SCHEDULE = "MeterReadSchedule"
    METER_SERVICE_REQUEST = "MeterServiceRequest"
    METER_SERVICE_REQUESTS = "MeterServiceRequests"
    PRICING_STRUCTURE_CONFIG = "PricingStructureConfig"
    RECEIPT_RECORD = "ReceiptRecord"
    SERVICE_CATEGORY_CONFIG = "ServiceCategoryConfig"
    SERVICE_LOCATION_CONFIG = "ServiceLocationConfig"
    SERVICE_SUPPLIER_CONFIG = "ServiceSupplierConfig"
    TRANSACTION_RECORD = "TransactionRecord"
    USAGE_POINT_CONFIG = "UsagePointConfig"
    USAGE_POINT_GROUPS = "UsagePointGroups"
    USAGE_POINT_LOCATION_CONFIG = "UsagePointLocationConfig"


class OperationVerb(Enum):
    CANCEL = "cancel"
    CANCELED = "canceled"
    CHANGE = "change"
    CHANGED = "changed"
    CREATE = "create"
    CREATED = "created"
    CLOSE = "close"
    CLOSED = "closed"
    DELETE = "delete"
    DELETED = "deleted"
    GET = "get"
    SHOW = "show"
    REPLY = "reply"
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    EXECUTE = "execute"
    REPORT = "report"
    STOP = "stop"
    TERMINATE = "terminate"


class OptionType(BaseModel):
    """
    Request options.
    """

    class Meta:
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    name: str = field(
        metadata={
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        }
    )
    value: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )


class ReplayDetectionType(BaseModel):
    """
    Used to detect and prevent replay attacks.
    """

    class Meta:
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    nonce: str = field(
        metadata={
            "name": "Nonce",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        }
    )
    created: XmlDateTime = field(
        metadata={
            "name": "Created",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        }
    )


class ReplyTypeResult(Enum):
    OK = "OK"
    PARTIAL = "PARTIAL"
    FAILED = "FAILED"


class UserType(BaseModel):
    """
    User type definition.

    :ivar user_id: User identifier
    :ivar organization: User parent organization identifier
    """

    class Meta:
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    user_id: str = field(
        metadata={
            "name": "UserID",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        }
    )
    organization: str = field(
        metadata={
            "name": "Organization",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        }
    )


class AdverbTypes(BaseModel):
    class Meta:
        name = "adverbTypes"
        namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    value: str = field(default="")


class MeterReading(BaseModel):
    """
    Set of values obtained from the meter.

    :ivar readings: All reading values contained within this meter
        reading.
    :ivar values_interval: Date and time interval of the data items
        contained within this meter reading.
    """

    class Meta:
        target_namespace = "http://iec.ch/TC57/2011/MeterServiceRequests#"

    model_config = ConfigDict(defer_build=True)
    readings: list[MeterReading.Readings] = field(
        default_factory=list,
        metadata={
            "name": "Readings",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    values_interval: None | DateTimeInterval = field(
        default=None,
        metadata={
            "name": "valuesInterval",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
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
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        reported_date_time: None | XmlDateTime = field(
            default=None,
            metadata={
                "name": "reportedDateTime",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        source: None | str = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        time_stamp: XmlDateTime = field(
            metadata={
                "name": "timeStamp",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            }
        )
        value: None | float = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        reading_qualities: list[MeterReading.Readings.ReadingQualities] = (
            field(
                default_factory=list,
                metadata={
                    "name": "ReadingQualities",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                },
            )
        )
        reading_type: MeterReading.Readings.ReadingType = field(
            metadata={
                "name": "ReadingType",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            }
        )
        time_period: None | DateTimeInterval = field(
            default=None,
            metadata={
                "name": "timePeriod",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )

        class ReadingQualities(BaseModel):
            """
            :ivar comment: Elaboration on the quality code.
            :ivar source: System acting as the source of the quality
                code.
            :ivar time_stamp: Date and time at which the quality code
                was assigned or ascertained.
            :ivar reading_quality_type: Type of this reading quality.
            """

            model_config = ConfigDict(defer_build=True)
            comment: None | str = field(
                default=None,
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                },
            )
            source: None | str = field(
                default=None,
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                },
            )
            time_stamp: None | XmlDateTime = field(
                default=None,
                metadata={
                    "name": "timeStamp",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                },
            )
            reading_quality_type: MeterReading.Readings.ReadingQualities.ReadingQualityType = field(
                metadata={
                    "name": "ReadingQualityType",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
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

        class ReadingType(BaseModel):
            model_config = ConfigDict(defer_build=True)
            ref: None | str = field(
                default=None,
                metadata={
                    "type": "Attribute",
                },
            )


class Name2(BaseModel):
    """
    The Name class provides the means to define any number of human
    readable names for an object.

    A name is &lt;b&gt;not&lt;/b&gt; to be used for defining inter-object
    relationships. For inter-object relationships instead use the object
    identification 'mRID'.

    :ivar name: Any free text that name the object.
    :ivar name_type: Type of this name.
    """

    class Meta:
        name = "Name"
        target_namespace = "http://iec.ch/TC57/2011/MeterServiceRequests#"

    model_config = ConfigDict(defer_build=True)
    name: str = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        }
    )
    name_type: None | NameType2 = field(
        default=None,
        metadata={
            "name": "NameType",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )


class FaultMessage(FaultMessageType):
    class Meta:
        namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)


class HeaderType(BaseModel):
    """
    Message header type definition.

    :ivar verb: This enumerated list of verbs that can be used to form
        message types in compliance with the IEC 61968 standard.
    :ivar noun: The Noun of the Control Area identifies the main subject
        of the message type, typically a real world object defined in
        the CIM.
    :ivar revision: Revision level of the message type.
    :ivar replay_detection: Use to introduce randomness in the message
        to enhance effectiveness of encryption
    :ivar context: Intended context for information usage, e.g.
        PRODUCTION, TESTING, TRAINING, ...
    :ivar timestamp: Application level relevant time and date for when
        this instance of the message type was produced. This is not
        intended to be used by middleware for message management.
    :ivar source: Source system or application that sends the message
    :ivar async_reply_flag: Indicates whether or not reply should be
        asynchronous
    :ivar reply_address: Address to be used for asynchronous replies,
        typically a URL/topic/queue.
    :ivar ack_required: Indicates whether or not an acknowledgement is
        required
    :ivar user: User information of the sender
    :ivar message_id: Unique message ID to be used for tracking messages
    :ivar correlation_id: ID to be used by applications for correlating
        replies
    :ivar comment: Optional comment
    :ivar property: Message properties can be used to identify
        information needed for extended routing and filtering
        capabilities
    :ivar other_element:
    """

    class Meta:
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    verb: HeaderTypeVerb = field(
        metadata={
            "name": "Verb",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        }
    )
    noun: HeaderTypeNoun = field(
        metadata={
            "name": "Noun",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        }
    )
    revision: None | str = field(
        default=None,
        metadata={
            "name": "Revision",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    replay_detection: None | ReplayDetectionType = field(
        default=None,
        metadata={
            "name": "ReplayDetection",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    context: None | HeaderTypeContext = field(
        default=None,
        metadata={
            "name": "Context",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    timestamp: None | XmlDateTime = field(
        default=None,
        metadata={
            "name": "Timestamp",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    source: None | str = field(
        default=None,
        metadata={
            "name": "Source",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    async_reply_flag: None | bool = field(
        default=None,
        metadata={
            "name": "AsyncReplyFlag",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    reply_address: None | str = field(
        default=None,
        metadata={
            "name": "ReplyAddress",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    ack_required: None | bool = field(
        default=None,
        metadata={
            "name": "AckRequired",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    user: None | UserType = field(
        default=None,
        metadata={
            "name": "User",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    message_id: None | str = field(
        default=None,
        metadata={
            "name": "MessageID",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    correlation_id: None | str = field(
        default=None,
        metadata={
            "name": "CorrelationID",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    comment: None | str = field(
        default=None,
        metadata={
            "name": "Comment",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    property: list[MessageProperty] = field(
        default_factory=list,
        metadata={
            "name": "Property",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    other_element: list[object] = field(
        default_factory=list,
        metadata={
            "type": "Wildcard",
            "namespace": "##other",
        },
    )


class NameType1(BaseModel):
    """
    From CIM.
    """

    class Meta:
        name = "NameType"
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    name: None | object = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    description: None | object = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    name_type_authority: None | NameTypeAuthority = field(
        default=None,
        metadata={
            "name": "NameTypeAuthority",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )


class OperationSet(BaseModel):
    """
    Each operation set is a collection of operations that may require
    operational-integrity and/or sequence control.

    :ivar enforce_msg_sequence: If set to TRUE, the Operation.##other
        messages must be processed in the sequence presented. If
        omitted, assume FALSE.
    :ivar enforce_transactional_integrity: Set to TRUE when all of the
        Operation.##other messages must be processed successfully or
        else the entire message set must be rolled back. If omitted,
        assume TRUE.
    :ivar operation: For master data set synchronization XML payloads.
    """

    class Meta:
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    enforce_msg_sequence: None | bool = field(
        default=None,
        metadata={
            "name": "enforceMsgSequence",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    enforce_transactional_integrity: None | bool = field(
        default=None,
        metadata={
            "name": "enforceTransactionalIntegrity",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    operation: list[OperationSet.Operation] = field(
        default_factory=list,
        metadata={
            "name": "Operation",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )

    class Operation(BaseModel):
        """
        :ivar operation_id: The payload.operation.operationId provides
            the unique identifier (within the OperationSet) of the
            Operation for the purpose of reference in subsequent
            messages (e.g. OperationSet reply).
        :ivar noun: The payload.operation.##other also identifies the
            noun, this element is optionally supplied to simplify
            processing.
        :ivar verb: "create", "delete", "change", etc.
        :ivar element_operation: TRUE if the verb is operating at the
            element level. In such a case, the verb is to be applied to
            the elements populated in the payload.operation.##other
            below. If omitted, assume FALSE.
        :ivar other_element: An XML payload which carries a CIM profile
            defined using an XSD in a profile-specific namespate.
            Individual payloads are used collectively to create a series
            of related operations. See the "enforce" boolean flags in
            the header for instructions on how to process these
            messages.
        """

        model_config = ConfigDict(defer_build=True)
        operation_id: int = field(
            metadata={
                "name": "operationId",
                "type": "Element",
                "namespace": "http://www.iec.ch/TC57/2011/schema/message",
            }
        )
        noun: None | OperationNoun = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://www.iec.ch/TC57/2011/schema/message",
            },
        )
        verb: None | OperationVerb = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://www.iec.ch/TC57/2011/schema/message",
            },
        )
        element_operation: None | bool = field(
            default=None,
            metadata={
                "name": "elementOperation",
                "type": "Element",
                "namespace": "http://www.iec.ch/TC57/2011/schema/message",
            },
        )
        other_element: None | object = field(
            default=None,
            metadata={
                "type": "Wildcard",
                "namespace": "##other",
                "process_contents": "skip",
            },
        )


class RequestType(BaseModel):
    """
    Request type definition.

    :ivar start_time: Start time of interest
    :ivar end_time: End time of interest
    :ivar option: Request type specialization
    :ivar id: Object ID for request
    :ivar other_element: This can be a CIM profile defined as an XSD
        with a CIM-specific namespace
    """

    class Meta:
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    start_time: None | XmlDateTime = field(
        default=None,
        metadata={
            "name": "StartTime",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    end_time: None | XmlDateTime = field(
        default=None,
        metadata={
            "name": "EndTime",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    option: list[OptionType] = field(
        default_factory=list,
        metadata={
            "name": "Option",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    id: list[str] = field(
        default_factory=list,
        metadata={
            "name": "ID",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    other_element: list[object] = field(
        default_factory=list,
        metadata={
            "type": "Wildcard",
            "namespace": "##other",
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
    :ivar amr_system: Automated meter reading (AMR) system responsible
        for communications to this end device.
    :ivar form_number: Meter form designation per ANSI C12.10 or other
        applicable standard. An alphanumeric designation denoting the
        circuit arrangement for which the meter is applicable and its
        specific terminal arrangement.
    :ivar serial_number: Serial number of this asset.
    :ivar meter_multipliers: All multipliers applied at this meter.
    :ivar meter_readings: All meter readings provided by this meter.
    :ivar names: All names of this identified object.
    """

    class Meta:
        target_namespace = "http://iec.ch/TC57/2011/MeterServiceRequests#"

    model_config = ConfigDict(defer_build=True)
    m_rid: None | str = field(
        default=None,
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    amr_system: None | str = field(
        default=None,
        metadata={
            "name": "amrSystem",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    form_number: None | str = field(
        default=None,
        metadata={
            "name": "formNumber",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    serial_number: None | str = field(
        default=None,
        metadata={
            "name": "serialNumber",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    meter_multipliers: list[Meter.MeterMultipliers] = field(
        default_factory=list,
        metadata={
            "name": "MeterMultipliers",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    meter_readings: list[MeterReading] = field(
        default_factory=list,
        metadata={
            "name": "MeterReadings",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    names: list[Meter.Names] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )

    class MeterMultipliers(BaseModel):
        """
        :ivar m_rid: A Model Authority issues mRIDs. Given that each
            Model Authority has a unique id and this id is part of the
            mRID, then the mRID is globally unique. Global uniqeness is
            easily achived by using a UUID for the mRID. It is strongly
            recommended to do this. For CIMXML data files the mRID is
            mapped to rdf:ID or rdf:about attributes that identifies CIM
            object elements.
        :ivar kind: Kind of multiplier.
        :ivar value: Multiplier value.
        :ivar names: All names of this identified object.
        """

        model_config = ConfigDict(defer_build=True)
        m_rid: None | str = field(
            default=None,
            metadata={
                "name": "mRID",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        kind: MeterMultipliersKind = field(
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            }
        )
        value: float = field(
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            }
        )
        names: list[Meter.MeterMultipliers.Names] = field(
            default_factory=list,
            metadata={
                "name": "Names",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
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
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                }
            )
            name_type: None | Meter.MeterMultipliers.Names.NameType = field(
                default=None,
                metadata={
                    "name": "NameType",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
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
                        "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                    },
                )
                name: str = field(
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                    }
                )
                name_type_authority: (
                    None
                    | Meter.MeterMultipliers.Names.NameType.NameTypeAuthority
                ) = field(
                    default=None,
                    metadata={
                        "name": "NameTypeAuthority",
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
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
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )
                    name: str = field(
                        metadata={
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        }
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
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            }
        )
        name_type: None | Meter.Names.NameType = field(
            default=None,
            metadata={
                "name": "NameType",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
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
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                },
            )
            name: str = field(
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                }
            )
            name_type_authority: (
                None | Meter.Names.NameType.NameTypeAuthority
            ) = field(
                default=None,
                metadata={
                    "name": "NameTypeAuthority",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
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
                        "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                    },
                )
                name: str = field(
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
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

    class Meta:
        target_namespace = "http://iec.ch/TC57/2011/MeterServiceRequests#"

    model_config = ConfigDict(defer_build=True)
    m_rid: None | str = field(
        default=None,
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    category: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    sub_category: None | str = field(
        default=None,
        metadata={
            "name": "subCategory",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    system_id: None | str = field(
        default=None,
        metadata={
            "name": "systemId",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    names: list[Name2] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            "min_occurs": 1,
        },
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

    class Meta:
        target_namespace = "http://iec.ch/TC57/2011/MeterServiceRequests#"

    model_config = ConfigDict(defer_build=True)
    m_rid: None | str = field(
        default=None,
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    accumulation: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    aggregate: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    commodity: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    consumption_tier: None | int = field(
        default=None,
        metadata={
            "name": "consumptionTier",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    cpp: None | int = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    currency: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    flow_direction: None | str = field(
        default=None,
        metadata={
            "name": "flowDirection",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    macro_period: None | str = field(
        default=None,
        metadata={
            "name": "macroPeriod",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    measurement_kind: None | str = field(
        default=None,
        metadata={
            "name": "measurementKind",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    measuring_period: None | str = field(
        default=None,
        metadata={
            "name": "measuringPeriod",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    multiplier: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    phases: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    tou: None | int = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    unit: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    argument: None | ReadingType.Argument = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    interharmonic: None | ReadingType.Interharmonic = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    names: list[Name2] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            "min_occurs": 1,
        },
    )

    class Argument(BaseModel):
        model_config = ConfigDict(defer_build=True)
        ref: None | str = field(
            default=None,
            metadata={
                "type": "Attribute",
            },
        )

    class Interharmonic(BaseModel):
        model_config = ConfigDict(defer_build=True)
        ref: None | str = field(
            default=None,
            metadata={
                "type": "Attribute",
            },
        )


class Name1(BaseModel):
    """
    From CIM.
    """

    class Meta:
        name = "Name"
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    name: None | object = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    name_type: None | NameType1 = field(
        default=None,
        metadata={
            "name": "NameType",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )


class PayloadType(BaseModel):
    """
    Payload container.

    :ivar other_element: For XML payloads, usually CIM profiles defined
        using an XSD in a profile-specific namespace.
    :ivar operation_set:
    :ivar compressed: For compressed and/or binary, uuencoded payloads
    :ivar format: Hint as to format of payload, e.g. XML, RDF, SVF,
        BINARY, PDF, ...
    """

    class Meta:
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    other_element: list[object] = field(
        default_factory=list,
        metadata={
            "type": "Wildcard",
            "namespace": "##other",
        },
    )
    operation_set: None | OperationSet = field(
        default=None,
        metadata={
            "name": "OperationSet",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    compressed: None | str = field(
        default=None,
        metadata={
            "name": "Compressed",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    format: None | str = field(
        default=None,
        metadata={
            "name": "Format",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )


class MeterServiceWork(BaseModel):
    """
    Work involving meters.

    :ivar kind: Kind of work.
    :ivar last_modified_date_time: Date and time this document was last
        modified. Documents may potentially be modified many times
        during their lifetime.
    :ivar priority: Priority of work.
    :ivar request_date_time: Date and time work was requested.
    :ivar type_value: Utility-specific classification of this document,
        according to their corporate standards, practices, and existing
        IT systems (e.g., for management of assets, maintenance, work,
        outage, customers, etc.).
    :ivar activity_records: All activity records created for this
        document.
    :ivar customers: All the customers for which this work is performed.
    :ivar meter: Meter on which this non-replacement work is performed.
    :ivar old_meter: Old meter replaced by this work.
    :ivar status: Status of subject matter (e.g., Agreement, Work) this
        document represents. For status of the document itself, use
        'docStatus' attribute.
    :ivar usage_point: Usage point to which this meter service work
        applies.
    """

    class Meta:
        target_namespace = "http://iec.ch/TC57/2011/MeterServiceRequests#"

    model_config = ConfigDict(defer_build=True)
    kind: None | MeterServiceWorkKind = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    last_modified_date_time: None | XmlDateTime = field(
        default=None,
        metadata={
            "name": "lastModifiedDateTime",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    priority: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    request_date_time: None | XmlDateTime = field(
        default=None,
        metadata={
            "name": "requestDateTime",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    type_value: None | str = field(
        default=None,
        metadata={
            "name": "type",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    activity_records: list[MeterServiceWork.ActivityRecords] = field(
        default_factory=list,
        metadata={
            "name": "ActivityRecords",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    customers: list[MeterServiceWork.Customers] = field(
        default_factory=list,
        metadata={
            "name": "Customers",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    meter: Meter = field(
        metadata={
            "name": "Meter",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        }
    )
    old_meter: None | Meter = field(
        default=None,
        metadata={
            "name": "OldMeter",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    status: None | MeterServiceWork.Status = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )
    usage_point: None | MeterServiceWork.UsagePoint = field(
        default=None,
        metadata={
            "name": "UsagePoint",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
        },
    )

    class ActivityRecords(BaseModel):
        """
        :ivar created_date_time: Date and time this activity record has
            been created (different from the 'status.dateTime', which is
            the time of a status change of the associated object, if
            applicable).
        :ivar reason: Reason for event resulting in this activity
            record, typically supplied when user initiated.
        :ivar severity: Severity level of event resulting in this
            activity record.
        :ivar type_value: Type of event resulting in this activity
            record.
        """

        model_config = ConfigDict(defer_build=True)
        created_date_time: XmlDateTime = field(
            metadata={
                "name": "createdDateTime",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            }
        )
        reason: None | str = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        severity: None | str = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        type_value: str = field(
            metadata={
                "name": "type",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            }
        )

    class Customers(BaseModel):
        """
        :ivar m_rid: A Model Authority issues mRIDs. Given that each
            Model Authority has a unique id and this id is part of the
            mRID, then the mRID is globally unique. Global uniqeness is
            easily achived by using a UUID for the mRID. It is strongly
            recommended to do this. For CIMXML data files the mRID is
            mapped to rdf:ID or rdf:about attributes that identifies CIM
            object elements.
        :ivar kind: Kind of customer.
        :ivar puc_number: (if applicable) Public utility commission
            (PUC) identification number.
        :ivar special_need: True if customer organisation has special
            service needs such as life support, hospitals, etc.
        :ivar vip: True if this is an important customer. Importance is
            for matters different than those in 'specialNeed' attribute.
        :ivar customer_agreements: All agreements of this customer.
        :ivar names: All names of this identified object.
        :ivar status: Status of this customer.
        """

        model_config = ConfigDict(defer_build=True)
        m_rid: None | str = field(
            default=None,
            metadata={
                "name": "mRID",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        kind: None | CustomersKind = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        puc_number: None | str = field(
            default=None,
            metadata={
                "name": "pucNumber",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        special_need: None | str = field(
            default=None,
            metadata={
                "name": "specialNeed",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        vip: None | bool = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        customer_agreements: list[
            MeterServiceWork.Customers.CustomerAgreements
        ] = field(
            default_factory=list,
            metadata={
                "name": "CustomerAgreements",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        names: list[MeterServiceWork.Customers.Names] = field(
            default_factory=list,
            metadata={
                "name": "Names",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        status: None | MeterServiceWork.Customers.Status = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )

        class CustomerAgreements(BaseModel):
            """
            :ivar m_rid: A Model Authority issues mRIDs. Given that each
                Model Authority has a unique id and this id is part of
                the mRID, then the mRID is globally unique. Global
                uniqeness is easily achived by using a UUID for the
                mRID. It is strongly recommended to do this. For CIMXML
                data files the mRID is mapped to rdf:ID or rdf:about
                attributes that identifies CIM object elements.
            :ivar names: All names of this identified object.
            """

            model_config = ConfigDict(defer_build=True)
            m_rid: None | str = field(
                default=None,
                metadata={
                    "name": "mRID",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                },
            )
            names: list[
                MeterServiceWork.Customers.CustomerAgreements.Names
            ] = field(
                default_factory=list,
                metadata={
                    "name": "Names",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
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
                        "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                    }
                )
                name_type: (
                    None
                    | MeterServiceWork.Customers.CustomerAgreements.Names.NameType
                ) = field(
                    default=None,
                    metadata={
                        "name": "NameType",
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
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
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )
                    name: str = field(
                        metadata={
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        }
                    )
                    name_type_authority: (
                        None
                        | MeterServiceWork.Customers.CustomerAgreements.Names.NameType.NameTypeAuthority
                    ) = field(
                        default=None,
                        metadata={
                            "name": "NameTypeAuthority",
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
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
                                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                            },
                        )
                        name: str = field(
                            metadata={
                                "type": "Element",
                                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                            }
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
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                }
            )
            name_type: None | MeterServiceWork.Customers.Names.NameType = (
                field(
                    default=None,
                    metadata={
                        "name": "NameType",
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                    },
                )
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
                        "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                    },
                )
                name: str = field(
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                    }
                )
                name_type_authority: (
                    None
                    | MeterServiceWork.Customers.Names.NameType.NameTypeAuthority
                ) = field(
                    default=None,
                    metadata={
                        "name": "NameTypeAuthority",
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
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
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )
                    name: str = field(
                        metadata={
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
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
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                },
            )
            reason: None | str = field(
                default=None,
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                },
            )
            remark: None | str = field(
                default=None,
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                },
            )
            value: str = field(
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                }
            )

    class Status(BaseModel):
        """
        :ivar date_time: Date and time for which status 'value' applies.
        :ivar reason: Reason code or explanation for why an object went
            to the current status 'value'.
        :ivar remark: Pertinent information regarding the current
            'value', as free form text.
        :ivar value: Status value at 'dateTime'; prior status changes
            may have been kept in instances of activity records
            associated with the object to which this status applies.
        """

        model_config = ConfigDict(defer_build=True)
        date_time: None | XmlDateTime = field(
            default=None,
            metadata={
                "name": "dateTime",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        reason: None | str = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        remark: None | str = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        value: str = field(
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            }
        )

    class UsagePoint(BaseModel):
        """
        :ivar check_billing: True if as a result of an inspection or
            otherwise, there is a reason to suspect that a previous
            billing may have been performed with erroneous data. Value
            should be reset once this potential discrepancy has been
            resolved.
        :ivar grounded: True if grounded.
        :ivar is_virtual: If true, this usage point is virtual, i.e., no
            physical location exists in the network where a meter could
            be located to collect the meter readings. For example, one
            may define a virtual usage point to serve as an aggregation
            of usage for all of a companies premises distributed widely
            across the distribution territory. Otherwise, the usage
            point is physical, i.e., there is a logical point in the
            network where a meter could be located to collect meter
            readings.
        :ivar nominal_service_voltage: Nominal service voltage.
        :ivar phase_code: Phase code. Number of wires and number of
            phases can be deduced from enumeration literal values. For
            example, ABCN is three-phase, four-wire. s12n
            (splitSecondary12N) is single-phase, three-wire. s1n and s2n
            are single-phase, two-wire.
        :ivar rated_current: Current that this usage point is configured
            to deliver.
        :ivar rated_power: Power that this usage point is configured to
            deliver.
        :ivar service_delivery_remark: Remarks about this usage point,
            for example the reason for it being rated with a non-nominal
            priority.
        :ivar service_priority: Priority of service for this usage
            point. Note that usage points at the same service location
            can have different priorities.
        :ivar service_location: Service location where the service
            delivered by this usage point is consumed.
        :ivar service_multipliers: All multipliers applied at this usage
            point
        """

        model_config = ConfigDict(defer_build=True)
        check_billing: None | bool = field(
            default=None,
            metadata={
                "name": "checkBilling",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        grounded: None | bool = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        is_virtual: None | bool = field(
            default=None,
            metadata={
                "name": "isVirtual",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        nominal_service_voltage: None | float = field(
            default=None,
            metadata={
                "name": "nominalServiceVoltage",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        phase_code: None | UsagePointPhaseCode = field(
            default=None,
            metadata={
                "name": "phaseCode",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        rated_current: None | float = field(
            default=None,
            metadata={
                "name": "ratedCurrent",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        rated_power: None | float = field(
            default=None,
            metadata={
                "name": "ratedPower",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        service_delivery_remark: None | str = field(
            default=None,
            metadata={
                "name": "serviceDeliveryRemark",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        service_priority: None | str = field(
            default=None,
            metadata={
                "name": "servicePriority",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        service_location: (
            None | MeterServiceWork.UsagePoint.ServiceLocation
        ) = field(
            default=None,
            metadata={
                "name": "ServiceLocation",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )
        service_multipliers: list[
            MeterServiceWork.UsagePoint.ServiceMultipliers
        ] = field(
            default_factory=list,
            metadata={
                "name": "ServiceMultipliers",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
            },
        )

        class ServiceLocation(BaseModel):
            """
            :ivar access_method: Method for the service person to access
                this service locations. For example, a description of
                where to obtain a key if the facility is unmanned and
                secured.
            :ivar needs_inspection: True if inspection is needed of
                facilities at this service location. This could be
                requested by a customer, due to suspected tampering,
                environmental concerns (e.g., a fire in the vicinity),
                or to correct incompatible data.
            :ivar site_access_problem: Problems previously encountered
                when visiting or performing work on this location.
                Examples include: bad dog, violent customer, verbally
                abusive occupant, obstructions, safety hazards, etc.
            :ivar main_address: Main address of the location.
            """

            model_config = ConfigDict(defer_build=True)
            access_method: None | str = field(
                default=None,
                metadata={
                    "name": "accessMethod",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                },
            )
            needs_inspection: None | bool = field(
                default=None,
                metadata={
                    "name": "needsInspection",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                },
            )
            site_access_problem: None | str = field(
                default=None,
                metadata={
                    "name": "siteAccessProblem",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                },
            )
            main_address: (
                None | MeterServiceWork.UsagePoint.ServiceLocation.MainAddress
            ) = field(
                default=None,
                metadata={
                    "name": "mainAddress",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                },
            )

            class MainAddress(BaseModel):
                """
                :ivar street_detail: Street detail.
                :ivar town_detail: Town detail.
                """

                model_config = ConfigDict(defer_build=True)
                street_detail: (
                    None
                    | MeterServiceWork.UsagePoint.ServiceLocation.MainAddress.StreetDetail
                ) = field(
                    default=None,
                    metadata={
                        "name": "streetDetail",
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                    },
                )
                town_detail: (
                    None
                    | MeterServiceWork.UsagePoint.ServiceLocation.MainAddress.TownDetail
                ) = field(
                    default=None,
                    metadata={
                        "name": "townDetail",
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                    },
                )

                class StreetDetail(BaseModel):
                    """
                    :ivar address_general: Additional address
                        information, for example a mailstop.
                    :ivar building_name: (if applicable) In certain
                        cases the physical location of the place of
                        interest does not have a direct point of entry
                        from the street, but may be located inside a
                        larger structure such as a building, complex,
                        office block, apartment, etc.
                    :ivar code: (if applicable) Utilities often make use
                        of external reference systems, such as those of
                        the town-planner's department or surveyor
                        general's mapping system, that allocate global
                        reference codes to streets.
                    :ivar name: Name of the street.
                    :ivar number: Designator of the specific location on
                        the street.
                    :ivar prefix: Prefix to the street name. For
                        example: North, South, East, West.
                    :ivar suffix: Suffix to the street name. For
                        example: North, South, East, West.
                    :ivar suite_number: Number of the apartment or
                        suite.
                    :ivar type_value: Type of street. Examples include:
                        street, circle, boulevard, avenue, road, drive,
                        etc.
                    :ivar within_town_limits: True if this street is
                        within the legal geographical boundaries of the
                        specified town (default).
                    """

                    model_config = ConfigDict(defer_build=True)
                    address_general: None | str = field(
                        default=None,
                        metadata={
                            "name": "addressGeneral",
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )
                    building_name: None | str = field(
                        default=None,
                        metadata={
                            "name": "buildingName",
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )
                    code: None | str = field(
                        default=None,
                        metadata={
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )
                    name: None | str = field(
                        default=None,
                        metadata={
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )
                    number: None | str = field(
                        default=None,
                        metadata={
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )
                    prefix: None | str = field(
                        default=None,
                        metadata={
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )
                    suffix: None | str = field(
                        default=None,
                        metadata={
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )
                    suite_number: None | str = field(
                        default=None,
                        metadata={
                            "name": "suiteNumber",
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )
                    type_value: None | str = field(
                        default=None,
                        metadata={
                            "name": "type",
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )
                    within_town_limits: None | bool = field(
                        default=None,
                        metadata={
                            "name": "withinTownLimits",
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )

                class TownDetail(BaseModel):
                    """
                    :ivar code: Town code.
                    :ivar country: Name of the country.
                    :ivar name: Town name.
                    :ivar section: Town section. For example, it is
                        common for there to be 36 sections per township.
                    :ivar state_or_province: Name of the state or
                        province.
                    """

                    model_config = ConfigDict(defer_build=True)
                    code: None | str = field(
                        default=None,
                        metadata={
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )
                    country: None | str = field(
                        default=None,
                        metadata={
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )
                    name: None | str = field(
                        default=None,
                        metadata={
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )
                    section: None | str = field(
                        default=None,
                        metadata={
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )
                    state_or_province: None | str = field(
                        default=None,
                        metadata={
                            "name": "stateOrProvince",
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )

        class ServiceMultipliers(BaseModel):
            """
            :ivar m_rid: A Model Authority issues mRIDs. Given that each
                Model Authority has a unique id and this id is part of
                the mRID, then the mRID is globally unique. Global
                uniqeness is easily achived by using a UUID for the
                mRID. It is strongly recommended to do this. For CIMXML
                data files the mRID is mapped to rdf:ID or rdf:about
                attributes that identifies CIM object elements.
            :ivar kind: Kind of multiplier.
            :ivar value: Multiplier value.
            :ivar names: All names of this identified object.
            """

            model_config = ConfigDict(defer_build=True)
            m_rid: None | str = field(
                default=None,
                metadata={
                    "name": "mRID",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                },
            )
            kind: ServiceMultipliersKind = field(
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                }
            )
            value: float = field(
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                }
            )
            names: list[
                MeterServiceWork.UsagePoint.ServiceMultipliers.Names
            ] = field(
                default_factory=list,
                metadata={
                    "name": "Names",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
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
                        "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                    }
                )
                name_type: (
                    None
                    | MeterServiceWork.UsagePoint.ServiceMultipliers.Names.NameType
                ) = field(
                    default=None,
                    metadata={
                        "name": "NameType",
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
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
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        },
                    )
                    name: str = field(
                        metadata={
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                        }
                    )
                    name_type_authority: (
                        None
                        | MeterServiceWork.UsagePoint.ServiceMultipliers.Names.NameType.NameTypeAuthority
                    ) = field(
                        default=None,
                        metadata={
                            "name": "NameTypeAuthority",
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
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
                                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                            },
                        )
                        name: str = field(
                            metadata={
                                "type": "Element",
                                "namespace": "http://iec.ch/TC57/2011/MeterServiceRequests#",
                            }
                        )


class EventMessageType(BaseModel):
    """
    Event Message Type, which is used to indicate a condition of potential
    interest.
    """

    class Meta:
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    header: HeaderType = field(
        metadata={
            "name": "Header",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        }
    )
    payload: None | PayloadType = field(
        default=None,
        metadata={
            "name": "Payload",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )


class IdentifiedObject(BaseModel):
    """
    From CIM.

    :ivar m_rid:
    :ivar name:
    :ivar object_type: CIM class name that classiifies the identified
        object
    """

    class Meta:
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    m_rid: None | object = field(
        default=None,
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    name: list[Name1] = field(
        default_factory=list,
        metadata={
            "name": "Name",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    object_type: None | str = field(
        default=None,
        metadata={
            "name": "objectType",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )


class RequestMessageType(BaseModel):
    """
    Request Message Type, which will typically result in a ResponseMessage
    to be returned.

    This isn typically used to initiate a transaction or a query request.
    """

    class Meta:
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    header: HeaderType = field(
        metadata={
            "name": "Header",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        }
    )
    request: None | RequestType = field(
        default=None,
        metadata={
            "name": "Request",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    payload: None | PayloadType = field(
        default=None,
        metadata={
            "name": "Payload",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )


class MeterServiceRequests(BaseModel):
    class Meta:
        namespace = "http://iec.ch/TC57/2011/MeterServiceRequests#"

    model_config = ConfigDict(defer_build=True)
    header: HeaderType = field(
        metadata={
            "name": "Header",
            "type": "Element",
        }
    )
    meter_service_work: list[MeterServiceWork] = field(
        default_factory=list,
        metadata={
            "name": "MeterServiceWork",
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


class ErrorType(BaseModel):
    """
    Error Structure.

    :ivar code: Application defined error code
    :ivar level: Severity level, e.g. INFORMATIVE, WARNING, FATAL,
        CATASTROPHIC
    :ivar reason: Description of the error
    :ivar details: Free form detailed text description of error
    :ivar xpath: XPath expression to identify specific XML element
    :ivar stack_trace:
    :ivar location:
    :ivar object_value:
    :ivar operation_id: The reply.operationId provides the unique
        identifier of the Operation for which this reply.result.error is
        relevant. Thus, it is assumed that this is an error from one of
        the operations contained in an OperationSet request.
    """

    class Meta:
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    code: str = field(
        metadata={
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        }
    )
    level: None | ErrorTypeLevel = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    reason: None | object = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    details: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    xpath: None | QName = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    stack_trace: None | str = field(
        default=None,
        metadata={
            "name": "stackTrace",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    location: None | LocationType = field(
        default=None,
        metadata={
            "name": "Location",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    object_value: None | IdentifiedObject = field(
        default=None,
        metadata={
            "name": "object",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    operation_id: None | int = field(
        default=None,
        metadata={
            "name": "operationId",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )


class EventMessage(EventMessageType):
    """
    Event message structure.
    """

    class Meta:
        namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)


class RequestMessage(RequestMessageType):
    """
    Request message structure.
    """

    class Meta:
        namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)


class ReplyType(BaseModel):
    """
    Reply type definition.

    :ivar result: Reply code: OK, PARTIAL or FAILED
    :ivar error: Reply details describing one or more errors
    :ivar id: Resulting transaction ID (usually consequence of create)
    :ivar other_element:
    :ivar operation_id: The reply.operationId provides the unique
        identifier of the Operation for which this reply.result is
        relevant. Thus, it is assumed that this is a partial reply in
        direct response to one of the operations contained in an
        OperationSet request.
    """

    class Meta:
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    result: ReplyTypeResult = field(
        metadata={
            "name": "Result",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        }
    )
    error: list[ErrorType] = field(
        default_factory=list,
        metadata={
            "name": "Error",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    id: list[str] = field(
        default_factory=list,
        metadata={
            "name": "ID",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    other_element: list[object] = field(
        default_factory=list,
        metadata={
            "type": "Wildcard",
            "namespace": "##other",
        },
    )
    operation_id: None | int = field(
        default=None,
        metadata={
            "name": "operationId",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )


class MessageType(BaseModel):
    """
    Generic Message Type.
    """

    class Meta:
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    header: HeaderType = field(
        metadata={
            "name": "Header",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        }
    )
    request: None | RequestType = field(
        default=None,
        metadata={
            "name": "Request",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    reply: None | ReplyType = field(
        default=None,
        metadata={
            "name": "Reply",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )
    payload: None | PayloadType = field(
        default=None,
        metadata={
            "name": "Payload",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )


class ResponseMessageType(BaseModel):
    """
    Response MessageType, typically used to reply to a RequestMessage.
    """

    class Meta:
        target_namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
    header: HeaderType = field(
        metadata={
            "name": "Header",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        }
    )
    reply: ReplyType = field(
        metadata={
            "name": "Reply",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        }
    )
    payload: None | PayloadType = field(
        default=None,
        metadata={
            "name": "Payload",
            "type": "Element",
            "namespace": "http://www.iec.ch/TC57/2011/schema/message",
        },
    )


class Message(MessageType):
    """
    Common IEC 61968 Message Definition.
    """

    class Meta:
        namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)


class ResponseMessage(ResponseMessageType):
    """
    Response message structure.
    """

    class Meta:
        namespace = "http://www.iec.ch/TC57/2011/schema/message"

    model_config = ConfigDict(defer_build=True)
