package io.keyspace.notifications.actuate;

import io.keyspace.notifications.KeyNotification;
import io.micrometer.observation.Observation;

/**
 * What a {@link KeyNotificationObservationConvention} sees of one handler call: the
 * notification, the handler's name, its group, and whether it has returned. The notification
 * carries its key: a convention must not put it, or anything derived from it, in a key value.
 */
public class KeyNotificationObservationContext extends Observation.Context {

	private final KeyNotification notification;

	private final String handlerName;

	private final String group;

	private boolean handled;

	/**
	 * @param handlerName the handler's name: the {@code @OnKeyEvent} {@code id}, or {@code Bean#method}
	 * @param group the handler's group, or {@code null} for a handler called in every instance
	 */
	public KeyNotificationObservationContext(KeyNotification notification, String handlerName, String group) {
		this.notification = notification;
		this.handlerName = handlerName;
		this.group = group;
	}

	public KeyNotification getNotification() {
		return this.notification;
	}

	public String getHandlerName() {
		return this.handlerName;
	}

	/** The handler's group, or {@code null} for a handler called in every instance. */
	public String getGroup() {
		return this.group;
	}

	/** Whether the handler has returned without throwing; while it runs, and when it threw, not. */
	public boolean isHandled() {
		return this.handled;
	}

	public void setHandled(boolean handled) {
		this.handled = handled;
	}

}
