from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from xsdata.models.datatype import XmlDateTime
from xsdata_pydantic.fields import field

__NAMESPACE__ = "http://iec.ch/TC57/2011/MeterReadSchedule#"


class CustomerAccount(BaseModel):
    """
    Assignment of a group of products and services purchased by the
    customer through a customer agreement, used as a mechanism for customer
    billing and payment.

    It contains common information from the various types of customer
    agreements to create billings (invoices) for a customer and receive
    payment.

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
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
        },
    )
    names: list[CustomerAccount.Names] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
            }
        )
        name_type: None | CustomerAccount.Names.NameType = field(
            default=None,
            metadata={
                "name": "NameType",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                },
            )
            name: str = field(
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                }
            )
            name_type_authority: (
                None | CustomerAccount.Names.NameType.NameTypeAuthority
            ) = field(
                default=None,
                metadata={
                    "name": "NameTypeAuthority",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                        "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                    },
                )
                name: str = field(
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                    }
                )


class CustomerAgreement(BaseModel):
    """
    Agreement between the customer and the service supplier to pay for
    service at a specific service location.

    It records certain billing information about the type of service
    provided at the service location and is used during charge creation to
    determine the type of service.

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
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
        },
    )
    names: list[CustomerAgreement.Names] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
            }
        )
        name_type: None | CustomerAgreement.Names.NameType = field(
            default=None,
            metadata={
                "name": "NameType",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                },
            )
            name: str = field(
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                }
            )
            name_type_authority: (
                None | CustomerAgreement.Names.NameType.NameTypeAuthority
            ) = field(
                default=None,
                metadata={
                    "name": "NameTypeAuthority",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                        "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                    },
                )
                name: str = field(
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                    }
                )


class EndDevice(BaseModel):
    """
    Asset container that performs one or more end device functions.

    One type of end device is a meter which can perform metering, load
    management, connect/disconnect, accounting functions, etc. Some end
    devices, such as ones monitoring and controlling air conditioner,
    refrigerator, pool pumps may be connected to a meter. All end devices
    may have communication capability defined by the associated
    communication function(s). An end device may be owned by a consumer, a
    service provider, utility or otherwise. There may be a related end
    device function that identifies a sensor or control point within a
    metering application or communications systems (e.g., water, gas,
    electricity). Some devices may use an optical port that conforms to the
    ANSI C12.18 standard for communications.

    :ivar m_rid: A Model Authority issues mRIDs. Given that each Model
        Authority has a unique id and this id is part of the mRID, then
        the mRID is globally unique. Global uniqeness is easily achived
        by using a UUID for the mRID. It is strongly recommended to do
        this. For CIMXML data files the mRID is mapped to rdf:ID or
        rdf:about attributes that identifies CIM object elements.
    :ivar names: All names of this identified object.
    """

    model_config = ConfigDict(defer_build=True)
    m_rid: str = field(
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
        }
    )
    names: list[EndDevice.Names] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
            }
        )
        name_type: None | EndDevice.Names.NameType = field(
            default=None,
            metadata={
                "name": "NameType",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                },
            )
            name: str = field(
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                }
            )
            name_type_authority: (
                None | EndDevice.Names.NameType.NameTypeAuthority
            ) = field(
                default=None,
                metadata={
                    "name": "NameTypeAuthority",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                        "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                    },
                )
                name: str = field(
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                    }
                )


class EndDeviceGroup(BaseModel):
    """
    Abstraction for management of group communications within a two-way AMR
    system or the data for a group of related end devices.

    Commands can be issued to all of the end devices that belong to the
    group using a defined group address and the underlying AMR
    communication infrastructure.

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
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
        },
    )
    names: list[EndDeviceGroup.Names] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
            }
        )
        name_type: None | EndDeviceGroup.Names.NameType = field(
            default=None,
            metadata={
                "name": "NameType",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                },
            )
            name: str = field(
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                }
            )
            name_type_authority: (
                None | EndDeviceGroup.Names.NameType.NameTypeAuthority
            ) = field(
                default=None,
                metadata={
                    "name": "NameTypeAuthority",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                        "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                    },
                )
                name: str = field(
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
    :ivar names: All names of this identified object.
    """

    model_config = ConfigDict(defer_build=True)
    m_rid: None | str = field(
        default=None,
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
        },
    )
    names: list[ReadingType.Names] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
            }
        )
        name_type: None | ReadingType.Names.NameType = field(
            default=None,
            metadata={
                "name": "NameType",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                },
            )
            name: str = field(
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                }
            )
            name_type_authority: (
                None | ReadingType.Names.NameType.NameTypeAuthority
            ) = field(
                default=None,
                metadata={
                    "name": "NameTypeAuthority",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                        "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                    },
                )
                name: str = field(
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                    }
                )


class TimeSchedule(BaseModel):
    """
    Description of anything that changes through time.

    Time schedule is used to perform a single-valued function of time. Use
    inherited 'type' attribute to give additional information on this
    schedule, such as: periodic (hourly, daily, weekly, monthly, etc.), day
    of the month, by date, calendar (specific times and dates).

    :ivar disabled: True if this schedule is deactivated (disabled).
    :ivar offset: The offset from midnight (i.e., 0 h, 0 min, 0 s) for
        the periodic time points to begin. For example, for an interval
        meter that is set up for five minute intervals
        ('recurrencePeriod'=300=5 min), setting 'offset'=120=2 min would
        result in scheduled events to read the meter executing at 2 min,
        7 min, 12 min, 17 min, 22 min, 27 min, 32 min, 37 min, 42 min,
        47 min, 52 min, and 57 min past each hour.
    :ivar recurrence_pattern: Interval at which the scheduled action
        repeats (e.g., first Monday of every month, last day of the
        month, etc.).
    :ivar recurrence_period: Duration between time points, from the
        beginning of one period to the beginning of the next period.
        Note that a device like a meter may have multiple interval
        periods (e.g., 1 min, 5 min, 15 min, 30 min, or 60 min).
    :ivar schedule_interval: Schedule date and time interval.
    :ivar time_points: Sequence of time points belonging to this time
        schedule.
    """

    model_config = ConfigDict(defer_build=True)
    disabled: None | bool = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
        },
    )
    offset: None | float = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
        },
    )
    recurrence_pattern: None | str = field(
        default=None,
        metadata={
            "name": "recurrencePattern",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
        },
    )
    recurrence_period: None | float = field(
        default=None,
        metadata={
            "name": "recurrencePeriod",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
        },
    )
    schedule_interval: TimeSchedule.ScheduleInterval = field(
        metadata={
            "name": "scheduleInterval",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
        }
    )
    time_points: list[TimeSchedule.TimePoints] = field(
        default_factory=list,
        metadata={
            "name": "TimePoints",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
        },
    )

    class ScheduleInterval(BaseModel):
        """
        :ivar end: End date and time of this interval.
        :ivar start: Start date and time of this interval.
        """

        model_config = ConfigDict(defer_build=True)
        end: None | XmlDateTime = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
            },
        )
        start: None | XmlDateTime = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
            },
        )

    class TimePoints(BaseModel):
        """
        :ivar date_time: Absolute date and time for this time point. For
            calendar-based time point, it is typically manually entered,
            while for interval-based or sequence-based time point it is
            derived.
        :ivar relative_time_interval: (if interval-based) A point in
            time relative to scheduled start time in
            'TimeSchedule.scheduleInterval.start'.
        :ivar sequence_number: (if sequence-based) Relative sequence
            number for this time point.
        :ivar window: Interval defining the window of time that this
            time point is valid (for example, seasonal, only on
            weekends, not on weekends, only 8:00 to 5:00, etc.).
        """

        model_config = ConfigDict(defer_build=True)
        date_time: None | XmlDateTime = field(
            default=None,
            metadata={
                "name": "dateTime",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
            },
        )
        relative_time_interval: None | float = field(
            default=None,
            metadata={
                "name": "relativeTimeInterval",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
            },
        )
        sequence_number: None | int = field(
            default=None,
            metadata={
                "name": "sequenceNumber",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
            },
        )
        window: None | TimeSchedule.TimePoints.Window = field(
            default=None,
            metadata={
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
            },
        )

        class Window(BaseModel):
            """
            :ivar end: End date and time of this interval.
            :ivar start: Start date and time of this interval.
            """

            model_config = ConfigDict(defer_build=True)
            end: None | XmlDateTime = field(
                default=None,
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                },
            )
            start: None | XmlDateTime = field(
                default=None,
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
        },
    )
    names: list[UsagePoint.Names] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
            }
        )
        name_type: None | UsagePoint.Names.NameType = field(
            default=None,
            metadata={
                "name": "NameType",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                },
            )
            name: str = field(
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                }
            )
            name_type_authority: (
                None | UsagePoint.Names.NameType.NameTypeAuthority
            ) = field(
                default=None,
                metadata={
                    "name": "NameTypeAuthority",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                        "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                    },
                )
                name: str = field(
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                    }
                )


class UsagePointGroup(BaseModel):
    """
    Abstraction for management of group communications within a two-way AMR
    system or the data for a group of related usage points.

    Commands can be issued to all of the usage points that belong to a
    usage point group using a defined group address and the underlying AMR
    communication infrastructure.

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
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
        },
    )
    names: list[UsagePointGroup.Names] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
            }
        )
        name_type: None | UsagePointGroup.Names.NameType = field(
            default=None,
            metadata={
                "name": "NameType",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                },
            )
            name: str = field(
                metadata={
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                }
            )
            name_type_authority: (
                None | UsagePointGroup.Names.NameType.NameTypeAuthority
            ) = field(
                default=None,
                metadata={
                    "name": "NameTypeAuthority",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
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
                        "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                    },
                )
                name: str = field(
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/MeterReadSchedule#",
                    }
                )


class MeterReadSchedule(BaseModel):
    class Meta:
        namespace = "http://iec.ch/TC57/2011/MeterReadSchedule#"

    model_config = ConfigDict(defer_build=True)
    customer_account: list[CustomerAccount] = field(
        default_factory=list,
        metadata={
            "name": "CustomerAccount",
            "type": "Element",
        },
    )
    customer_agreement: list[CustomerAgreement] = field(
        default_factory=list,
        metadata={
            "name": "CustomerAgreement",
            "type": "Element",
        },
    )
    end_device: list[EndDevice] = field(
        default_factory=list,
        metadata={
            "name": "EndDevice",
            "type": "Element",
        },
    )
    end_device_group: list[EndDeviceGroup] = field(
        default_factory=list,
        metadata={
            "name": "EndDeviceGroup",
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
    time_schedule: list[TimeSchedule] = field(
        default_factory=list,
        metadata={
            "name": "TimeSchedule",
            "type": "Element",
        },
    )
    usage_point: list[UsagePoint] = field(
        default_factory=list,
        metadata={
            "name": "UsagePoint",
            "type": "Element",
        },
    )
    usage_point_group: list[UsagePointGroup] = field(
        default_factory=list,
        metadata={
            "name": "UsagePointGroup",
            "type": "Element",
        },
    )
