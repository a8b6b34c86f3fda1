namespace Meet.Modules.Media.Routing;

// Events from the router up to a member's session (the one that negotiates its SDP).
internal interface IRouterMemberListener
{
    // Under the router's lock: the member's slots changed, its subscriber SDP must be renegotiated.
    void OnSlotsChanged();

    // After the router's lock is released: time to send the subscriber offer the slot change needs.
    void OnRenegotiationDue();

    // After the router's lock is released: the meeting's dominant speaker changed.
    void OnActiveSpeakerChanged(ActiveSpeakerUpdate update);

    // After the router's lock is released: bounded slots were remapped; who each slot shows now.
    void OnSlotAssignments(IReadOnlyList<MediaSlotAssignment> slots);

    // After the router's lock is released: dynacast paused or resumed a layer of the member's track in
    // publisher m-section `mid`; the states of all its layers.
    void OnPublisherLayers(string mid, IReadOnlyList<PublisherLayerState> layers);
}
