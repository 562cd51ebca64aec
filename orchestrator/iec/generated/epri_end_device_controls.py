from __future__ import annotations

from decimal import Decimal
from enum import Enum

from pydantic import BaseModel, ConfigDict
from xsdata.models.datatype import XmlDateTime
from xsdata_pydantic.fields import field

__NAMESPACE__ = "http://iec.ch/TC57/2011/EndDeviceControls#"


class ControlledAppliance(BaseModel):
    """
    Appliance controlled with a PAN device control.

    :ivar is_electric_vehicle: True if the appliance is an electric
        vehicle.
    :ivar is_exterior_lighting: True if the appliance is exterior
        lighting.
    :ivar is_generation_system: True if the appliance is a generation
        system.
    :ivar is_hvac_compressor_or_furnace: True if the appliance is HVAC
        compressor or furnace.
    :ivar is_interior_lighting: True if the appliance is interor
        lighting.
    :ivar is_irrigation_pump: True if the appliance is an irrigation
        pump.
    :ivar is_managed_commercial_industrial_load: True if the appliance
        is managed commerial or industial load.
    :ivar is_pool_pump_spa_jacuzzi: True if the appliance is a pool,
        pump, spa or jacuzzi.
    :ivar is_simple_misc_load: True if the appliance is a simple
        miscellaneous load.
    :ivar is_smart_appliance: True if the appliance is a smart
        appliance.
    :ivar is_strip_and_baseboard_heater: True if the appliance is a stip
        or baseboard heater.
    :ivar is_water_heater: True if the appliance is a water heater.
    """

    model_config = ConfigDict(defer_build=True)
    is_electric_vehicle: None | bool = field(
        default=None,
        metadata={
            "name": "isElectricVehicle",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    is_exterior_lighting: None | bool = field(
        default=None,
        metadata={
            "name": "isExteriorLighting",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    is_generation_system: None | bool = field(
        default=None,
        metadata={
            "name": "isGenerationSystem",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    is_hvac_compressor_or_furnace: None | bool = field(
        default=None,
        metadata={
            "name": "isHvacCompressorOrFurnace",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    is_interior_lighting: None | bool = field(
        default=None,
        metadata={
            "name": "isInteriorLighting",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    is_irrigation_pump: None | bool = field(
        default=None,
        metadata={
            "name": "isIrrigationPump",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    is_managed_commercial_industrial_load: None | bool = field(
        default=None,
        metadata={
            "name": "isManagedCommercialIndustrialLoad",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    is_pool_pump_spa_jacuzzi: None | bool = field(
        default=None,
        metadata={
            "name": "isPoolPumpSpaJacuzzi",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    is_simple_misc_load: None | bool = field(
        default=None,
        metadata={
            "name": "isSimpleMiscLoad",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    is_smart_appliance: None | bool = field(
        default=None,
        metadata={
            "name": "isSmartAppliance",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    is_strip_and_baseboard_heater: None | bool = field(
        default=None,
        metadata={
            "name": "isStripAndBaseboardHeater",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    is_water_heater: None | bool = field(
        default=None,
        metadata={
            "name": "isWaterHeater",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )


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
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    start: None | XmlDateTime = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )


class EndDeviceAction(BaseModel):
    """
    Action/command performed by an end device on a device other than the
    end device.

    :ivar command: Command text.
    :ivar duration: Amount of time the action of this control is to
        remain active.
    :ivar duration_indefinite: True if the action of this control is
        indefinite.
    :ivar start_date_time: Start date and time for action of this
        control.
    """

    model_config = ConfigDict(defer_build=True)
    command: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    duration: None | float = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    duration_indefinite: None | bool = field(
        default=None,
        metadata={
            "name": "durationIndefinite",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    start_date_time: None | XmlDateTime = field(
        default=None,
        metadata={
            "name": "startDateTime",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )


class EndDeviceControlType(BaseModel):
    """
    Detailed description for a control produced by an end device.

    Values in attributes allow for creation of recommended codes to be used
    for identifying end device controls as follows:
    &amp;lt;type&amp;gt;.&amp;lt;domain&amp;gt;.&amp;lt;subDomain&amp;gt;.&amp;lt;eventOrAction&amp;gt;.

    :ivar m_rid: A Model Authority issues mRIDs. Given that each Model
        Authority has a unique id and this id is part of the mRID, then
        the mRID is globally unique. Global uniqeness is easily achived
        by using a UUID for the mRID. It is strongly recommended to do
        this. For CIMXML data files the mRID is mapped to rdf:ID or
        rdf:about attributes that identifies CIM object elements.
    :ivar domain: High-level nature of the control.
    :ivar event_or_action: The most specific part of this control type.
        It is mainly in the form of a verb that gives action to the
        control that just occurred.
    :ivar sub_domain: More specific nature of the control, as a further
        sub-categorisation of 'domain'.
    :ivar type_value: Type of physical device from which the control was
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
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    domain: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    event_or_action: None | str = field(
        default=None,
        metadata={
            "name": "eventOrAction",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    sub_domain: None | str = field(
        default=None,
        metadata={
            "name": "subDomain",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    type_value: None | str = field(
        default=None,
        metadata={
            "name": "type",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    names: EndDeviceControlType.Names = field(
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        }
    )

    class Names(BaseModel):
        model_config = ConfigDict(defer_build=True)
        ref: None | str = field(
            default=None,
            metadata={
                "type": "Attribute",
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
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    name: str = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        }
    )


class PanPricingDetail(BaseModel):
    """
    Detail for a single price command/action.

    :ivar alternate_cost_delivered: Alternative measure of the cost of
        the energy consumed. An example might be the emissions of CO2
        for each kWh of electricity consumed providing a measure of the
        environmental cost.
    :ivar alternate_cost_unit: Cost unit for the alternate cost
        delivered field. One example is kg of CO2 per unit of measure.
    :ivar current_time_date: Current time as determined by a PAN device.
    :ivar generation_price: Price of the commodity measured in base unit
        of currency per 'unitOfMeasure'.
    :ivar generation_price_ratio: Ratio of 'generationPrice' to the
        "normal" price chosen by the commodity provider.
    :ivar price: Price of the commodity measured in base unit of
        currency per 'unitOfMeasure'.
    :ivar price_ratio: Ratio of 'price' to the "normal" price chosen by
        the commodity provider.
    :ivar price_tier: Pricing tier as chosen by the commodity provider.
    :ivar price_tier_count: Maximum number of price tiers available.
    :ivar price_tier_label: Label for price tier.
    :ivar rate_label: Label of the current billing rate specified by
        commodity provider.
    :ivar register_tier: Register tier accumulating usage information.
    :ivar unit_of_measure: Defines commodity as well as its base unit of
        measure.
    """

    model_config = ConfigDict(defer_build=True)
    alternate_cost_delivered: None | float = field(
        default=None,
        metadata={
            "name": "alternateCostDelivered",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    alternate_cost_unit: None | str = field(
        default=None,
        metadata={
            "name": "alternateCostUnit",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    current_time_date: None | XmlDateTime = field(
        default=None,
        metadata={
            "name": "currentTimeDate",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    generation_price: None | Decimal = field(
        default=None,
        metadata={
            "name": "generationPrice",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    generation_price_ratio: None | float = field(
        default=None,
        metadata={
            "name": "generationPriceRatio",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    price: None | Decimal = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    price_ratio: None | float = field(
        default=None,
        metadata={
            "name": "priceRatio",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    price_tier: None | int = field(
        default=None,
        metadata={
            "name": "priceTier",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    price_tier_count: None | int = field(
        default=None,
        metadata={
            "name": "priceTierCount",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    price_tier_label: None | str = field(
        default=None,
        metadata={
            "name": "priceTierLabel",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    rate_label: None | str = field(
        default=None,
        metadata={
            "name": "rateLabel",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    register_tier: None | str = field(
        default=None,
        metadata={
            "name": "registerTier",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    unit_of_measure: None | str = field(
        default=None,
        metadata={
            "name": "unitOfMeasure",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )


class RandomisationKind(Enum):
    """
    Kind of randomisation to be applied to control the timing of end device
    control commands and/or the definition of demand response and load
    control events.
    """

    DEFAULT = "default"
    END = "end"
    NONE = "none"
    START = "start"
    START_AND_END = "startAndEnd"


class TransmissionModeKind(Enum):
    """
    Transmission mode for end device display controls.
    """

    ANONYMOUS = "anonymous"
    BOTH = "both"
    NORMAL = "normal"


class EndDeviceTiming(BaseModel):
    """
    :ivar duration: Duration of the end device control action or the
        business event that is the subject of the end device control.
    :ivar duration_indefinite: True if 'duration' is indefinite.
    :ivar randomisation: Kind of randomisation to be applied to the end
        device control actions to be executed.
    :ivar interval: Start and end time of an interval during which end
        device control actions are to be executed.
    """

    model_config = ConfigDict(defer_build=True)
    duration: None | float = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    duration_indefinite: None | bool = field(
        default=None,
        metadata={
            "name": "durationIndefinite",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    randomisation: None | RandomisationKind = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    interval: None | DateTimeInterval = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
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
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    name: str = field(
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        }
    )
    name_type_authority: None | NameTypeAuthority = field(
        default=None,
        metadata={
            "name": "NameTypeAuthority",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )


class PanDemandResponse(EndDeviceAction):
    """
    PAN control used to issue action/command to PAN devices during a demand
    response/load control event.

    :ivar avg_load_adjustment: Used to define a maximum energy usage
        limit as a percentage of the client implementations specific
        average energy usage. The load adjustment percentage is added to
        100% creating a percentage limit applied to the client
        implementations specific average energy usage. A -10% load
        adjustment percentage will establish an energy usage limit equal
        to 90% of the client implementations specific average energy
        usage. Each load adjustment percentage is referenced to the
        client implementations specific average energy usage. There are
        no cumulative effects. The range of this field is -100 to +100
        with a resolution of 1 percent. A -100% value equals a total
        load shed. A +100% value will limit the energy usage to the
        client implementations specific average energy usage.
    :ivar cancel_control_mode: Encoding of cancel control.
    :ivar cancel_date_time: Timestamp when a canceling of the event is
        scheduled to start.
    :ivar cancel_now: If true, a canceling of the event should start
        immediately.
    :ivar cooling_offset: Requested offset to apply to the normal
        cooling setpoint at the time of the start of the event. It
        represents a temperature change that will be applied to the
        associated cooling set point. The temperature offsets will be
        calculated per the local temperature in the thermostat. The
        calculated temperature will be interpreted as the number of
        degrees to be added to the cooling set point. Sequential demand
        response events are not cumulative. The offset shall be applied
        to the normal setpoint.
    :ivar cooling_setpoint: Requested cooling set point. Temperature set
        point is typically defined and calculated based on local
        temperature.
    :ivar criticality_level: Level of criticality for the action of this
        control. The action taken by load control devices for an event
        can be solely based on this value, or combination with other
        load control event fields supported by the device.
    :ivar duty_cycle: Maximum "On" state duty cycle as a percentage of
        time. Example, if the value is 80, the device would be in an
        "on" state for 80% of the time for the duration of the action.
    :ivar enrollment_group: Provides a mechanism to direct load control
        actions to groups of PAN devices. It can be used in conjunction
        with the PAN device types.
    :ivar heating_offset: Requested offset to apply to the normal
        heating setpoint at the time of the start of the event. It
        represents a temperature change that will be applied to the
        associated heating set point. The temperature offsets will be
        calculated per the local temperature in the thermostat. The
        calculated temperature will be interpreted as the number of
        degrees to be subtracted from the heating set point. Sequential
        demand response events are not cumulative. The offset shall be
        applied to the normal setpoint.
    :ivar heating_setpoint: Requested heating set point. Temperature set
        point is typically defined and calculated based on local
        temperature.
    :ivar appliance: Appliance being controlled.
    """

    model_config = ConfigDict(defer_build=True)
    avg_load_adjustment: None | float = field(
        default=None,
        metadata={
            "name": "avgLoadAdjustment",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    cancel_control_mode: None | str = field(
        default=None,
        metadata={
            "name": "cancelControlMode",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    cancel_date_time: None | XmlDateTime = field(
        default=None,
        metadata={
            "name": "cancelDateTime",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    cancel_now: None | bool = field(
        default=None,
        metadata={
            "name": "cancelNow",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    cooling_offset: None | float = field(
        default=None,
        metadata={
            "name": "coolingOffset",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    cooling_setpoint: None | float = field(
        default=None,
        metadata={
            "name": "coolingSetpoint",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    criticality_level: None | str = field(
        default=None,
        metadata={
            "name": "criticalityLevel",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    duty_cycle: None | float = field(
        default=None,
        metadata={
            "name": "dutyCycle",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    enrollment_group: None | str = field(
        default=None,
        metadata={
            "name": "enrollmentGroup",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    heating_offset: None | float = field(
        default=None,
        metadata={
            "name": "heatingOffset",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    heating_setpoint: None | float = field(
        default=None,
        metadata={
            "name": "heatingSetpoint",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    appliance: None | ControlledAppliance = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )


class PanDisplay(EndDeviceAction):
    """
    PAN action/command used to issue the displaying of text messages on PAN
    devices.

    :ivar confirmation_required: If true, the requesting entity (e.g.
        retail electric provider) requires confirmation of the
        successful display of the text message.
    :ivar priority: Priority associated with the text message to be
        displayed.
    :ivar text_message: Text to be displayed by a PAN device.
    :ivar transmission_mode: Transmission mode to be used for this PAN
        display control.
    """

    model_config = ConfigDict(defer_build=True)
    confirmation_required: None | bool = field(
        default=None,
        metadata={
            "name": "confirmationRequired",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    priority: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    text_message: None | str = field(
        default=None,
        metadata={
            "name": "textMessage",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    transmission_mode: None | TransmissionModeKind = field(
        default=None,
        metadata={
            "name": "transmissionMode",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )


class PanPricing(EndDeviceAction):
    """
    PAN action/command used to issue pricing information to a PAN device.

    :ivar provider_id: Unique identifier for the commodity provider.
    :ivar pan_pricing_details: All pricing details issued by this PAN
        pricing command/action.
    """

    model_config = ConfigDict(defer_build=True)
    provider_id: None | int = field(
        default=None,
        metadata={
            "name": "providerID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    pan_pricing_details: list[PanPricingDetail] = field(
        default_factory=list,
        metadata={
            "name": "PanPricingDetails",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
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
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        }
    )
    name_type: None | NameType = field(
        default=None,
        metadata={
            "name": "NameType",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
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
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    names: list[Name] = field(
        default_factory=list,
        metadata={
            "name": "Names",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )


class EndDeviceControl(BaseModel):
    """
    Instructs an end device (or an end device group) to perform a specified
    action.

    :ivar m_rid: A Model Authority issues mRIDs. Given that each Model
        Authority has a unique id and this id is part of the mRID, then
        the mRID is globally unique. Global uniqeness is easily achived
        by using a UUID for the mRID. It is strongly recommended to do
        this. For CIMXML data files the mRID is mapped to rdf:ID or
        rdf:about attributes that identifies CIM object elements.
    :ivar dr_program_level: Level of a demand response program request,
        where 0=emergency. Note: Attribute is not defined on
        DemandResponseProgram as it is not its inherent property (it
        serves to control it).
    :ivar dr_program_mandatory: Whether a demand response program
        request is mandatory. Note: Attribute is not defined on
        DemandResponseProgram as it is not its inherent property (it
        serves to control it).
    :ivar issuer_id: Unique identifier of the business entity
        originating an end device control.
    :ivar issuer_tracking_id: Identifier assigned by the initiator (e.g.
        retail electric provider) of an end device control action to
        uniquely identify the demand response event, text message, or
        other subject of the control action. Can be used when cancelling
        an event or text message request or to identify the originating
        event or text message in a consequential end device event.
    :ivar price_signal: (if applicable) Price signal used as parameter
        for this end device control.
    :ivar reason: Reason for the control action that allows to determine
        how to continue processing. For example, disconnect meter
        command may require different processing by the receiving system
        if it has been issued for a network-related reason (protection)
        or for payment-related reason.
    :ivar pan_demand_response:
    :ivar pan_display:
    :ivar pan_pricing:
    :ivar end_device_control_type: Type of this end device control.
    :ivar end_device_groups: All end device groups receiving commands
        from this end device control.
    :ivar end_devices: All end devices receiving commands from this end
        device control.
    :ivar primary_device_timing: Timing for the control actions
        performed on the device identified in the end device control.
    :ivar secondary_device_timing: Timing for the control actions
        performed by devices that are responding to event related
        information sent to the primary device indicated in the end
        device control. For example, load control actions performed by a
        PAN device in response to demand response event information sent
        to a PAN gateway server.
    :ivar usage_point_groups: All usage point groups receiving commands
        from this end device control.
    :ivar usage_points: All usage points receiving commands from this
        end device control.
    """

    model_config = ConfigDict(defer_build=True)
    m_rid: None | str = field(
        default=None,
        metadata={
            "name": "mRID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    dr_program_level: None | int = field(
        default=None,
        metadata={
            "name": "drProgramLevel",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    dr_program_mandatory: None | bool = field(
        default=None,
        metadata={
            "name": "drProgramMandatory",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    issuer_id: None | str = field(
        default=None,
        metadata={
            "name": "issuerID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    issuer_tracking_id: None | str = field(
        default=None,
        metadata={
            "name": "issuerTrackingID",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    price_signal: None | float = field(
        default=None,
        metadata={
            "name": "priceSignal",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    reason: None | str = field(
        default=None,
        metadata={
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    pan_demand_response: None | PanDemandResponse = field(
        default=None,
        metadata={
            "name": "PanDemandResponse",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    pan_display: None | PanDisplay = field(
        default=None,
        metadata={
            "name": "PanDisplay",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    pan_pricing: None | PanPricing = field(
        default=None,
        metadata={
            "name": "PanPricing",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    end_device_control_type: EndDeviceControl.EndDeviceControlType = field(
        metadata={
            "name": "EndDeviceControlType",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        }
    )
    end_device_groups: list[EndDeviceGroup] = field(
        default_factory=list,
        metadata={
            "name": "EndDeviceGroups",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    end_devices: list[EndDeviceControl.EndDevices] = field(
        default_factory=list,
        metadata={
            "name": "EndDevices",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    primary_device_timing: None | EndDeviceTiming = field(
        default=None,
        metadata={
            "name": "primaryDeviceTiming",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    secondary_device_timing: None | EndDeviceTiming = field(
        default=None,
        metadata={
            "name": "secondaryDeviceTiming",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    usage_point_groups: list[EndDeviceControl.UsagePointGroups] = field(
        default_factory=list,
        metadata={
            "name": "UsagePointGroups",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )
    usage_points: list[EndDeviceControl.UsagePoints] = field(
        default_factory=list,
        metadata={
            "name": "UsagePoints",
            "type": "Element",
            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
        },
    )

    class EndDeviceControlType(BaseModel):
        model_config = ConfigDict(defer_build=True)
        ref: None | str = field(
            default=None,
            metadata={
                "type": "Attribute",
            },
        )

    class EndDevices(BaseModel):
        """
        :ivar m_rid: A Model Authority issues mRIDs. Given that each
            Model Authority has a unique id and this id is part of the
            mRID, then the mRID is globally unique. Global uniqeness is
            easily achived by using a UUID for the mRID. It is strongly
            recommended to do this. For CIMXML data files the mRID is
            mapped to rdf:ID or rdf:about attributes that identifies CIM
            object elements.
        :ivar names: All names of this identified object.
        """

        model_config = ConfigDict(defer_build=True)
        m_rid: None | str = field(
            default=None,
            metadata={
                "name": "mRID",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
            },
        )
        names: list[EndDeviceControl.EndDevices.Names] = field(
            default_factory=list,
            metadata={
                "name": "Names",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
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
                    "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
                }
            )
            name_type: None | EndDeviceControl.EndDevices.Names.NameType = (
                field(
                    default=None,
                    metadata={
                        "name": "NameType",
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
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
                        "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
                    },
                )
                name: str = field(
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
                    }
                )
                name_type_authority: (
                    None
                    | EndDeviceControl.EndDevices.Names.NameType.NameTypeAuthority
                ) = field(
                    default=None,
                    metadata={
                        "name": "NameTypeAuthority",
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
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
                            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
                        },
                    )
                    name: str = field(
                        metadata={
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
                        }
                    )

    class UsagePointGroups(BaseModel):
        """
        :ivar m_rid: A Model Authority issues mRIDs. Given that each
            Model Authority has a unique id and this id is part of the
            mRID, then the mRID is globally unique. Global uniqeness is
            easily achived by using a UUID for the mRID. It is strongly
            recommended to do this. For CIMXML data files the mRID is
            mapped to rdf:ID or rdf:about attributes that identifies CIM
            object elements.
        :ivar names: All names of this identified object.
        """

        model_config = ConfigDict(defer_build=True)
        m_rid: None | str = field(
            default=None,
            metadata={
                "name": "mRID",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
            },
        )
        names: list[EndDeviceControl.UsagePointGroups.Names] = field(
            default_factory=list,
            metadata={
                "name": "Names",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
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
                    "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
                }
            )
            name_type: (
                None | EndDeviceControl.UsagePointGroups.Names.NameType
            ) = field(
                default=None,
                metadata={
                    "name": "NameType",
                    "type": "Element",
                    "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
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
                        "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
                    },
                )
                name: str = field(
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
                    }
                )
                name_type_authority: (
                    None
                    | EndDeviceControl.UsagePointGroups.Names.NameType.NameTypeAuthority
                ) = field(
                    default=None,
                    metadata={
                        "name": "NameTypeAuthority",
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
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
                            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
                        },
                    )
                    name: str = field(
                        metadata={
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
                        }
                    )

    class UsagePoints(BaseModel):
        """
        :ivar m_rid: A Model Authority issues mRIDs. Given that each
            Model Authority has a unique id and this id is part of the
            mRID, then the mRID is globally unique. Global uniqeness is
            easily achived by using a UUID for the mRID. It is strongly
            recommended to do this. For CIMXML data files the mRID is
            mapped to rdf:ID or rdf:about attributes that identifies CIM
            object elements.
        :ivar names: All names of this identified object.
        """

        model_config = ConfigDict(defer_build=True)
        m_rid: None | str = field(
            default=None,
            metadata={
                "name": "mRID",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
            },
        )
        names: list[EndDeviceControl.UsagePoints.Names] = field(
            default_factory=list,
            metadata={
                "name": "Names",
                "type": "Element",
                "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
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
                    "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
                }
            )
            name_type: None | EndDeviceControl.UsagePoints.Names.NameType = (
                field(
                    default=None,
                    metadata={
                        "name": "NameType",
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
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
                        "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
                    },
                )
                name: str = field(
                    metadata={
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
                    }
                )
                name_type_authority: EndDeviceControl.UsagePoints.Names.NameType.NameTypeAuthority = field(
                    metadata={
                        "name": "NameTypeAuthority",
                        "type": "Element",
                        "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
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
                            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
                        },
                    )
                    name: str = field(
                        metadata={
                            "type": "Element",
                            "namespace": "http://iec.ch/TC57/2011/EndDeviceControls#",
                        }
                    )


class EndDeviceControls(BaseModel):
    class Meta:
        namespace = "http://iec.ch/TC57/2011/EndDeviceControls#"

    model_config = ConfigDict(defer_build=True)
    end_device_control: list[EndDeviceControl] = field(
        default_factory=list,
        metadata={
            "name": "EndDeviceControl",
            "type": "Element",
        },
    )
    end_device_control_type: list[EndDeviceControlType] = field(
        default_factory=list,
        metadata={
            "name": "EndDeviceControlType",
            "type": "Element",
        },
    )
