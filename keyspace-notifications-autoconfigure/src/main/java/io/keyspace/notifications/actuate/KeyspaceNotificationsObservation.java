package io.keyspace.notifications.actuate;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of keyspace notifications, a contract like Micrometer's and Spring's own
 * (docs/operations.md lists it too). Names and keys do not change within a major version:
 * dashboards and alerts depend on them.
 */
public enum KeyspaceNotificationsObservation implements ObservationDocumentation {

	/**
	 * One handler call for one notification: an {@code @OnKeyEvent} method, a handler subscribed
	 * in code, or a group's handler for an entry of its stream. Named
	 * {@code keyspace.notifications.handler}, contextually {@code keyspace notification <event>};
	 * opened as the current observation around the call, so what the handler calls joins the
	 * trace. Nothing in it carries a key: keys are unbounded and may be sensitive.
	 */
	HANDLER {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultKeyNotificationObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return HandlerKeyNames.values();
		}

	};

	/** The low-cardinality keys of {@link #HANDLER}; each value is one of a few, fixed at startup. */
	public enum HandlerKeyNames implements KeyName {

		/** The handler: the {@code @OnKeyEvent} {@code id}, or {@code Bean#method}. */
		HANDLER("handler"),

		/**
		 * The notification's event, when it is one of {@link io.keyspace.notifications.EventType}'s;
		 * {@code other} for any other name (a module's own events), so no server can make it unbounded.
		 */
		EVENT("event"),

		/** The kind of channel it came on: {@code KEYSPACE}, {@code KEYEVENT}, {@code SUBKEYSPACE}, ... */
		CHANNEL_TYPE("channel.type"),

		/** The handler's group ({@code @OnKeyEvent(group = ...)}), or {@code none}. */
		GROUP("group"),

		/**
		 * {@code success} when the handler returned, {@code error} when it threw, {@code unknown}
		 * while it runs (on the {@code .active} long-task timer).
		 */
		OUTCOME("outcome");

		private final String name;

		HandlerKeyNames(String name) {
			this.name = name;
		}

		@Override
		public String asString() {
			return this.name;
		}

	}

}
