package io.keyspace.notifications;

/** Base class of the exceptions this library throws. */
public class KeyspaceNotificationsException extends RuntimeException {

	public KeyspaceNotificationsException(String message) {
		super(message);
	}

	public KeyspaceNotificationsException(String message, Throwable cause) {
		super(message, cause);
	}

}
