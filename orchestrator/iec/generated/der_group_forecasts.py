from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict
from xsdata.models.datatype import XmlDateTime
from xsdata_pydantic.fields import field

__NAMESPACE__ = "http://iec.ch/TC57/2017/DERGroupForecasts#"


class CurveStyle(Enum):
    """
    Style or shape of curve.

    :cvar CONSTANT_YVALUE: The Y-axis values are assumed constant until
        the next curve point and prior to the first curve point.
    :cvar STRAIGHT_LINE_YVALUES: The Y-axis values are assumed to be a
        straight line between values.  Also known as linear
        interpolation.
    """

    CONSTANT_YVALUE = "constantYValue"
    STRAIGHT_LINE_YVALUES = "straightLineYValues"


class DercurveData(BaseModel):
    class Meta:
        name = "DERCurveData"

    model_config = ConfigDict(defer_build=True)
    interval_number: int = field(
        metadata={
            "name": "intervalNumber",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        }
    )
    max_yvalue: None | float = field(
        default=None,
        metadata={
            "name": "maxYValue",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        },
    )
    min_yvalue: None | float = field(
        default=None,
        metadata={
            "name": "minYValue",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        },
    )
    nominal_yvalue: None | float = field(
        default=None,
        metadata={
            "name": "nominalYValue",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        },
    )


class DerparameterKind(Enum):
    ACTIVE_POWER = "activePower"
    APPARENT_POWER = "apparentPower"
    DECREASING_RAMP_RATE = "decreasingRampRate"
    HIGH_FILTER_BI_DIRECTIONAL_REGULATION = "highFilterBiDirectionalRegulation"
    HIGH_FILTER_DOWN_REGULATION = "highFilterDownRegulation"
    HIGH_FILTER_UP_REGULATION = "highFilterUpRegulation"
    INCREASING_RAMP_RATE = "increasingRampRate"
    LOW_FILTER_BI_DIRECTIONAL_REGULATION = "lowFilterBiDirectionalRegulation"
    LOW_FILTER_DOWN_REGULATION = "lowFilterDownRegulation"
    LOW_FILTER_UP_REGULATION = "lowFilterUpRegulation"
    REACTIVE_POWER = "reactivePower"
    VOLTAGE = "voltage"


class DerunitSymbol(Enum):
    """
    The units defined for usage in the CIM.

    :cvar A: Current in Ampere.
    :cvar AH: Ampere-hours, Ampere-hours.
    :cvar AS: Ampere seconds (A·s).
    :cvar BTU: Energy, British Thermal Unit.
    :cvar HZ: Frequency in Hertz (1/s).
    :cvar Q: Quantity power, Q.
    :cvar QH: Quantity energy, Qh.
    :cvar V: Electric potential in Volt (W/A).
    :cvar VA: Apparent power in Volt Ampere (See also real power and
        reactive power.)
    :cvar VAH: Apparent energy in Volt Ampere hours.
    :cvar VAR: Reactive power in Volt Ampere reactive. The “reactive” or
        “imaginary” component of electrical power (VIsin(phi)). (See
        also real power and apparent power). Note: Different meter
        designs use different methods to arrive at their results. Some
        meters may compute reactive power as an arithmetic value, while
        others compute the value vectorially. The data consumer should
        determine the method in use and the suitability of the
        measurement for the intended purpose.
    :cvar VARH: Reactive energy in Volt Ampere reactive hours.
    :cvar VPER_VA: Power factor, PF, the ratio of the active power to
        the apparent power. Note: The sign convention used for power
        factor will differ between IEC meters and EEI (ANSI) meters. It
        is assumed that the data consumers understand the type of meter
        being used and agree on the sign convention in use at any given
        utility.
    :cvar VPER_VAR: Power factor, PF, the ratio of the active power to
        the apparent power. Note: The sign convention used for power
        factor will differ between IEC meters and EEI (ANSI) meters. It
        is assumed that the data consumers understand the type of meter
        being used and agree on the sign convention in use at any given
        utility.
    :cvar VH: Volt-hour, Volt hours.
    :cvar VS: Volt second (Ws/A).
    :cvar W: Real power in Watt (J/s). Electrical power may have real
        and reactive components. The real portion of electrical power
        (I²R or VIcos(phi)), is expressed in Watts. (See also apparent
        power and reactive power.)
    :cvar WPER_A: Active power per current flow, watt per Ampere.
    :cvar WPERS: Ramp rate in Watt per second.
    :cvar WH: Real energy in Watt hours.
    :cvar DEG: Plane angle in degrees.
    :cvar DEG_C: Relative temperature in degrees Celsius. In the SI unit
        system the symbol is ºC. Electric charge is measured in coulomb
        that has the unit symbol C. To distinguish degree Celsius form
        coulomb the symbol used in the UML is degC. Reason for not using
        ºC is the special character º is difficult to manage in
        software.
    :cvar H: Time, hour = 60 min = 3600 s.
    :cvar MIN: Time, minute  = 60 s.
    :cvar OHM: Electric resistance in ohm (V/A).
    :cvar OHM_PERM: Electric resistance per length in ohm per metre
        ((V/A)/m).
    :cvar OHMM: resistivity, Ohm metre, (rho).
    :cvar ONE_PER_HZ: Reciprocal of frequency (1/Hz).
    :cvar S: Time in seconds.
    :cvar THERM: Energy, Therm.
    """

    A = "A"
    AH = "Ah"
    AS = "As"
    BTU = "Btu"
    HZ = "Hz"
    Q = "Q"
    QH = "Qh"
    V = "V"
    VA = "VA"
    VAH = "VAh"
    VAR = "VAr"
    VARH = "VArh"
    VPER_VA = "VPerVA"
    VPER_VAR = "VPerVAr"
    VH = "Vh"
    VS = "Vs"
    W = "W"
    WPER_A = "WPerA"
    WPERS = "WPers"
    WH = "Wh"
    DEG = "deg"
    DEG_C = "degC"
    H = "h"
    MIN = "min"
    OHM = "ohm"
    OHM_PERM = "ohmPerm"
    OHMM = "ohmm"
    ONE_PER_HZ = "onePerHz"
    S = "s"
    THERM = "therm"


class DateTimeInterval(BaseModel):
    """
    Interval between two date and time points.

    :ivar end: End date and time of this interval.
    :ivar start: Start date and time of this interval.
    """

    model_config = ConfigDict(defer_build=True)
    end: XmlDateTime = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        }
    )
    start: XmlDateTime = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        }
    )


class FlowDirectionKind(Enum):
    """
    Kind of flow direction for reading/measured values proper to some
    commodities such as, for example, energy, power, demand.

    :cvar FORWARD: "Delivered," or "Imported" as defined 61968-2.
        Forward Active Energy is a positive kWh value as one would
        naturally expect to find as energy is supplied by the utility
        and consumed at the service. Forward Reactive Energy is a
        positive VArh value as one would naturally expect to find in the
        presence of inductive loading. In polyphase metering, the
        forward energy register is incremented when the sum of the phase
        energies is greater than zero: &amp;lt;img src="HTS_1.PNG"
        width="209" height="16" border="0" alt="graphic"/&amp;gt;
    :cvar LAGGING: Typically used to describe that a power factor is
        lagging the reference value. Note 1: When used to describe VA,
        “lagging” describes a form of measurement where reactive power
        is considered in all four quadrants, but real power is
        considered only in quadrants I and IV. Note 2: When used to
        describe power factor, the term “Lagging” implies that the PF is
        negative. The term “lagging” in this case takes the place of the
        negative sign. If a signed PF value is to be passed by the data
        producer, then the direction of flow enumeration zero (none)
        should be used in order to avoid the possibility of creating an
        expression that employs a double negative. The data consumer
        should be able to tell from the sign of the data if the PF is
        leading or lagging. This principle is analogous to the concept
        that “Reverse” energy is an implied negative value, and to
        publish a negative reverse value would be ambiguous. Note 3:
        Lagging power factors typically indicate inductive loading.
    :cvar LEADING: Typically used to describe that a power factor is
        leading the reference value. Note: Leading power factors
        typically indicate capacitive loading.
    :cvar NET: |Forward| - |Reverse|, See 61968-2. Note: In some
        systems, the value passed as a “net” value could become
        negative. In other systems the value passed as a “net” value is
        always a positive number, and rolls-over and rolls-under as
        needed.
    :cvar NONE: Not Applicable (N/A)
    :cvar Q1MINUS_Q4: Q1 minus Q4
    :cvar Q1PLUS_Q2: Reactive positive quadrants. (The term “lagging” is
        preferred.)
    :cvar Q1PLUS_Q3: Quadrants 1 and 3
    :cvar Q1PLUS_Q4: Quadrants 1 and 4 usually represent forward active
        energy
    :cvar Q2MINUS_Q3: Q2 minus Q3
    :cvar Q2PLUS_Q3: Quadrants 2 and 3 usually represent reverse active
        energy
    :cvar Q2PLUS_Q4: Quadrants 2 and 4
    :cvar Q3MINUS_Q2: Q3 minus Q2
    :cvar Q3PLUS_Q4: Reactive negative quadrants. (The term “leading” is
        preferred.)
    :cvar QUADRANT1: Q1 only
    :cvar QUADRANT2: Q2 only
    :cvar QUADRANT3: Q3 only
    :cvar QUADRANT4: Q4 only
    :cvar REVERSE: Reverse Active Energy is equivalent to "Received," or
        "Exported" as defined in 61968-2. Reverse Active Energy is a
        positive kWh value as one would expect to find when energy is
        backfed by the service onto the utility network. Reverse
        Reactive Energy is a positive VArh value as one would expect to
        find in the presence of capacitive loading and a leading Power
        Factor. In polyphase metering, the reverse energy register is
        incremented when the sum of the phase energies is less than
        zero: &amp;lt;img src="HTS_1.PNG" width="209" height="16"
        border="0" alt="graphic"/&amp;gt; Note: The value passed as a
        reverse value is always a positive value. It is understood by
        the label “reverse” that it represents negative flow.
    :cvar TOTAL: |Forward| + |Reverse|, See 61968-2. The sum of the
        commodity in all quadrants Q1+Q2+Q3+Q4. In polyphase metering,
        the total energy register is incremented when the absolute value
        of the sum of the phase energies is greater than zero:
        &amp;lt;img src="HTS_1.PNG" width="217" height="16" border="0"
        alt="graphic"/&amp;gt;
    :cvar TOTAL_BY_PHASE: In polyphase metering, the total by phase
        energy register is incremented when the sum of the absolute
        values of the phase energies is greater than zero: &amp;lt;img
        src="HTS_1.PNG" width="234" height="16" border="0"
        alt="graphic"/&amp;gt; In single phase metering, the formulas
        for “Total” and “Total by phase” collapse to the same
        expression. For communication purposes however, the “Total”
        enumeration should be used with single phase meter data.
    """

    FORWARD = "forward"
    LAGGING = "lagging"
    LEADING = "leading"
    NET = "net"
    NONE = "none"
    Q1MINUS_Q4 = "q1minusQ4"
    Q1PLUS_Q2 = "q1plusQ2"
    Q1PLUS_Q3 = "q1plusQ3"
    Q1PLUS_Q4 = "q1plusQ4"
    Q2MINUS_Q3 = "q2minusQ3"
    Q2PLUS_Q3 = "q2plusQ3"
    Q2PLUS_Q4 = "q2plusQ4"
    Q3MINUS_Q2 = "q3minusQ2"
    Q3PLUS_Q4 = "q3plusQ4"
    QUADRANT1 = "quadrant1"
    QUADRANT2 = "quadrant2"
    QUADRANT3 = "quadrant3"
    QUADRANT4 = "quadrant4"
    REVERSE = "reverse"
    TOTAL = "total"
    TOTAL_BY_PHASE = "totalByPhase"


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
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        },
    )
    name: str = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        }
    )


class TimeIntervalKind(Enum):
    D = "D"
    M = "M"
    Y = "Y"
    H = "h"
    M_1 = "m"
    S = "s"


class UnitMultiplier(Enum):
    """
    The unit multipliers defined for the CIM.

    When applied to unit symbols that already contain a multiplier, both
    multipliers are used. For example, to exchange kilograms using unit
    symbol of kg, one uses the "none" multiplier, to exchange metric ton
    (Mg), one uses the "k" multiplier.

    :cvar E: Exa 10**18.
    :cvar G: Giga 10**9.
    :cvar M: Mega 10**6.
    :cvar P: Peta 10**15
    :cvar T: Tera 10**12.
    :cvar Y: Yotta 10**24
    :cvar Z: Zetta 10**21
    :cvar A: atto 10**-18.
    :cvar C: Centi 10**-2.
    :cvar D: Deci 10**-1.
    :cvar DA: deca 10**1.
    :cvar F: femto 10**-15.
    :cvar H: hecto 10**2.
    :cvar K: Kilo 10**3.
    :cvar M_1: Milli 10**-3.
    :cvar MICRO: Micro 10**-6.
    :cvar N: Nano 10**-9.
    :cvar NONE: No multiplier or equivalently multiply by 1.
    :cvar P_1: Pico 10**-12.
    :cvar Y_1: yocto 10**-24.
    :cvar Z_1: zepto 10**-21.
    """

    E = "E"
    G = "G"
    M = "M"
    P = "P"
    T = "T"
    Y = "Y"
    Z = "Z"
    A = "a"
    C = "c"
    D = "d"
    DA = "da"
    F = "f"
    H = "h"
    K = "k"
    M_1 = "m"
    MICRO = "micro"
    N = "n"
    NONE = "none"
    P_1 = "p"
    Y_1 = "y"
    Z_1 = "z"


class DispatchSchedule(BaseModel):
    """
    :ivar confidence:
    :ivar curve_style_kind: Used to specify whether the values over an
        interval are constant (constantYValue) or linearly interpolated
        (straightLineYValues)
    :ivar start_time: The start time of the first interval in the
        dispatch schedule
    :ivar time_interval_duration: The length of time for each interval
        in the dispatch schedule.
    :ivar time_interval_unit: The unit of measure for the time axis of
        the dispatch schedule.
    :ivar dercurve_data:
    """

    model_config = ConfigDict(defer_build=True)
    confidence: None | float = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        },
    )
    curve_style_kind: CurveStyle = field(
        metadata={
            "name": "curveStyleKind",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        }
    )
    start_time: XmlDateTime = field(
        metadata={
            "name": "startTime",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        }
    )
    time_interval_duration: int = field(
        metadata={
            "name": "timeIntervalDuration",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        }
    )
    time_interval_unit: TimeIntervalKind = field(
        metadata={
            "name": "timeIntervalUnit",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        }
    )
    dercurve_data: list[DercurveData] = field(
        default_factory=list,
        metadata={
            "name": "DERCurveData",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
            "min_occurs": 1,
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
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        },
    )
    name: str = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        }
    )
    name_type_authority: None | NameTypeAuthority = field(
        default=None,
        metadata={
            "name": "NameTypeAuthority",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        },
    )


class DermonitorableParameter(BaseModel):
    class Meta:
        name = "DERMonitorableParameter"

    model_config = ConfigDict(defer_build=True)
    derparameter: DerparameterKind = field(
        metadata={
            "name": "DERParameter",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        }
    )
    flow_direction: None | FlowDirectionKind = field(
        default=None,
        metadata={
            "name": "flowDirection",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        },
    )
    y_multiplier: UnitMultiplier = field(
        metadata={
            "name": "yMultiplier",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        }
    )
    y_unit: DerunitSymbol = field(
        metadata={
            "name": "yUnit",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        }
    )
    y_unit_installed_max: None | float = field(
        default=None,
        metadata={
            "name": "yUnitInstalledMax",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        },
    )
    y_unit_installed_min: None | float = field(
        default=None,
        metadata={
            "name": "yUnitInstalledMin",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        },
    )
    dispatch_schedule: list[DispatchSchedule] = field(
        default_factory=list,
        metadata={
            "name": "DispatchSchedule",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
            "min_occurs": 1,
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
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        }
    )
    name_type: None | NameType = field(
        default=None,
        metadata={
            "name": "NameType",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
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
    :ivar dermonitorable_parameter:
    :ivar names: All names of this identified object.
    """

    model_config = ConfigDict(defer_build=True)
    m_rid: None | str = field(
        default=None,
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        },
    )
    dermonitorable_parameter: list[DermonitorableParameter] = field(
        default_factory=list,
        metadata={
            "name": "DERMonitorableParameter",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
            "min_occurs": 1,
        },
    )
    names: list[Name] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        },
    )


class DergroupForecast(BaseModel):
    """
    :ivar m_rid: Master resource identifier issued by a model authority.
        The mRID is unique within an exchange context. Global uniqueness
        is easily achieved by using a UUID,  as specified in RFC 4122,
        for the mRID. The use of UUID is strongly recommended. For
        CIMXML data files in RDF syntax conforming to IEC 61970-552
        Edition 1, the mRID is mapped to rdf:ID or rdf:about attributes
        that identify CIM object elements.
    :ivar prediction_creation_date:
    :ivar end_device_group:
    :ivar names: All names of this identified object.
    """

    class Meta:
        name = "DERGroupForecast"

    model_config = ConfigDict(defer_build=True)
    m_rid: None | str = field(
        default=None,
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        },
    )
    prediction_creation_date: XmlDateTime = field(
        metadata={
            "name": "predictionCreationDate",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        }
    )
    end_device_group: EndDeviceGroup = field(
        metadata={
            "name": "EndDeviceGroup",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        }
    )
    names: list[Name] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecasts#",
        },
    )


class DergroupForecasts(BaseModel):
    class Meta:
        name = "DERGroupForecasts"
        namespace = "http://iec.ch/TC57/2017/DERGroupForecasts#"

    model_config = ConfigDict(defer_build=True)
    dergroup_forecast: list[DergroupForecast] = field(
        default_factory=list,
        metadata={
            "name": "DERGroupForecast",
            "type": "Element",
            "min_occurs": 1,
        },
    )
