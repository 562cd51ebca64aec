from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict
from xsdata.models.datatype import XmlDateTime
from xsdata_pydantic.fields import field

__NAMESPACE__ = "http://iec.ch/TC57/2017/DERGroupForecastQueries#"


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
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecastQueries#",
        },
    )
    name: str = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecastQueries#",
        }
    )


class TimeIntervalKind(Enum):
    D = "D"
    M = "M"
    Y = "Y"
    H = "h"
    M_1 = "m"
    S = "s"


class DermonitorableParameter(BaseModel):
    class Meta:
        name = "DERMonitorableParameter"

    model_config = ConfigDict(defer_build=True)
    derparameter: DerparameterKind = field(
        metadata={
            "name": "DERParameter",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecastQueries#",
        }
    )
    flow_direction: None | FlowDirectionKind = field(
        default=None,
        metadata={
            "name": "flowDirection",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecastQueries#",
        },
    )


class DispatchSchedule(BaseModel):
    """
    :ivar curve_style_kind: Used to specify whether the values over an
        interval are constant (constantYValue) or linearly interpolated
        (straightLineYValues)
    :ivar number_of_intervals: Used to specify the number of intervals
        when requesting a forecast or a dispatch.
    :ivar start_time: The start time of the first interval in the
        dispatch schedule
    :ivar time_interval_duration: The length of time for each interval
        in the dispatch schedule.
    :ivar time_interval_unit: The unit of measure for the time axis of
        the dispatch schedule.
    """

    model_config = ConfigDict(defer_build=True)
    curve_style_kind: CurveStyle = field(
        metadata={
            "name": "curveStyleKind",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecastQueries#",
        }
    )
    number_of_intervals: int = field(
        metadata={
            "name": "numberOfIntervals",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecastQueries#",
        }
    )
    start_time: XmlDateTime = field(
        metadata={
            "name": "startTime",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecastQueries#",
        }
    )
    time_interval_duration: int = field(
        metadata={
            "name": "timeIntervalDuration",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecastQueries#",
        }
    )
    time_interval_unit: TimeIntervalKind = field(
        metadata={
            "name": "timeIntervalUnit",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecastQueries#",
        }
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
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecastQueries#",
        },
    )
    name: str = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecastQueries#",
        }
    )
    name_type_authority: None | NameTypeAuthority = field(
        default=None,
        metadata={
            "name": "NameTypeAuthority",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecastQueries#",
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
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecastQueries#",
        }
    )
    name_type: None | NameType = field(
        default=None,
        metadata={
            "name": "NameType",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecastQueries#",
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
    :ivar names: All names of this identified object.
    """

    model_config = ConfigDict(defer_build=True)
    m_rid: None | str = field(
        default=None,
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecastQueries#",
        },
    )
    names: list[Name] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2017/DERGroupForecastQueries#",
        },
    )


class DergroupForecastQueries(BaseModel):
    class Meta:
        name = "DERGroupForecastQueries"
        namespace = "http://iec.ch/TC57/2017/DERGroupForecastQueries#"

    model_config = ConfigDict(defer_build=True)
    dermonitorable_parameter: list[DermonitorableParameter] = field(
        default_factory=list,
        metadata={
            "name": "DERMonitorableParameter",
            "type": "Element",
            "min_occurs": 1,
        },
    )
    dispatch_schedule: list[DispatchSchedule] = field(
        default_factory=list,
        metadata={
            "name": "DispatchSchedule",
            "type": "Element",
            "min_occurs": 1,
        },
    )
    end_device_group: list[EndDeviceGroup] = field(
        default_factory=list,
        metadata={
            "name": "EndDeviceGroup",
            "type": "Element",
            "min_occurs": 1,
        },
    )
