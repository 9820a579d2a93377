package io.keyspace.notifications.listener;

import io.keyspace.notifications.KeyNotificationHandler;

/**
 * Wraps each handler of a {@link KeyspaceNotificationListenerContainer} once, when it is
 * registered, to run code around every call of it: put a value in the logging MDC, set a
 * security context, and clear them again; like Spring's {@code TaskDecorator}, but per handler
 * rather than per call, so that nothing is allocated per notification unless the decorator
 * does. Group handlers are decorated too. The container keeps the handler's name and its
 * key or event filter: the filter still runs on the reader thread, before queueing, and the
 * decorated handler only for the notifications that pass it, inside the handler observation
 * (so a trace id the tracer put in the MDC is there already).
 * <p>
 * With Spring Boot, a bean of this type is picked up by the auto-configured container.
 */
@FunctionalInterface
public interface HandlerDecorator {

	/**
	 * @param handler the handler to call
	 * @param name the handler's id: the {@code @OnKeyEvent} {@code id}, or {@code Bean#method}
	 * @return the handler to call instead, or {@code handler} itself to leave it alone
	 */
	KeyNotificationHandler decorate(KeyNotificationHandler handler, String name);

}
