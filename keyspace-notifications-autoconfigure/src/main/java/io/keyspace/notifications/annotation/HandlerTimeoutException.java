package io.keyspace.notifications.annotation;

import java.time.Duration;

import io.keyspace.notifications.KeyspaceNotificationsException;

/**
 * An {@code @OnKeyEvent} method's {@code Mono}, {@code Publisher}, {@code CompletionStage} or
 * coroutine did not complete within {@code keyspace-notifications.reactive.handler-timeout}. It
 * was cancelled and counts as a handler error: the error handler gets this exception, and the
 * next notification of the same key goes ahead.
 */
public final class HandlerTimeoutException extends KeyspaceNotificationsException {

	public HandlerTimeoutException(String handler, Duration timeout) {
		super(handler + " did not complete within " + timeout + " and was cancelled; make it complete sooner, or raise "
				+ "keyspace-notifications.reactive.handler-timeout");
	}

}
