package io.keyspace.notifications.actuate;

import io.keyspace.notifications.EventType;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.actuate.KeyspaceNotificationsObservation.HandlerKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * The handler observation as documented in {@link KeyspaceNotificationsObservation#HANDLER}:
 * named {@code keyspace.notifications.handler}, contextually {@code keyspace notification
 * <event>}, with the low-cardinality keys {@code handler}, {@code event}, {@code channel.type},
 * {@code group} and {@code outcome}, and no high-cardinality one: the only unbounded value of a
 * notification is its key, which stays out (it may also be sensitive). Extend it and override
 * one of the protected methods to change a value.
 */
public class DefaultKeyNotificationObservationConvention implements KeyNotificationObservationConvention {

	/** The shared instance, stateless. */
	public static final DefaultKeyNotificationObservationConvention INSTANCE = new DefaultKeyNotificationObservationConvention();

	static final String NAME = KeyspaceNotificationsMeterBinder.PREFIX + "handler";

	private static final String OTHER_EVENT = "other";

	private static final KeyValue NO_GROUP = KeyValue.of(HandlerKeyNames.GROUP, "none");

	static final KeyValue SUCCESS = KeyValue.of(HandlerKeyNames.OUTCOME, "success");

	static final KeyValue ERROR = KeyValue.of(HandlerKeyNames.OUTCOME, "error");

	private static final KeyValue RUNNING = KeyValue.of(HandlerKeyNames.OUTCOME, "unknown");

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(KeyNotificationObservationContext context) {
		return "keyspace notification " + boundedEvent(context.getNotification());
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(KeyNotificationObservationContext context) {
		return KeyValues.of(handler(context), event(context), channelType(context), group(context), outcome(context));
	}

	protected KeyValue handler(KeyNotificationObservationContext context) {
		return KeyValue.of(HandlerKeyNames.HANDLER, context.getHandlerName());
	}

	/** The event if it is one of {@link EventType}'s, else {@code other}. */
	protected KeyValue event(KeyNotificationObservationContext context) {
		return KeyValue.of(HandlerKeyNames.EVENT, boundedEvent(context.getNotification()));
	}

	protected KeyValue channelType(KeyNotificationObservationContext context) {
		return KeyValue.of(HandlerKeyNames.CHANNEL_TYPE, context.getNotification().type().name());
	}

	protected KeyValue group(KeyNotificationObservationContext context) {
		return (context.getGroup() != null) ? KeyValue.of(HandlerKeyNames.GROUP, context.getGroup()) : NO_GROUP;
	}

	protected KeyValue outcome(KeyNotificationObservationContext context) {
		if (context.getError() != null) {
			return ERROR;
		}
		return context.isHandled() ? SUCCESS : RUNNING;
	}

	private static String boundedEvent(KeyNotification notification) {
		String event = notification.event();
		return EventType.isKnown(event) ? event : OTHER_EVENT;
	}

}
