package io.keyspace.notifications.internal.match;

import io.keyspace.notifications.KeyNotification;

/**
 * Turns a received message into a notification. The parser lives with
 * {@link KeyNotification}, whose internals it fills; the engine gets it handed in.
 */
@FunctionalInterface
public interface NotificationDecoder {

	/**
	 * @param keyPrefix only keys starting with it are accepted, and it is stripped; null for none
	 * @param pattern the matching pattern of a pmessage, else null
	 * @return the notification, or null for a malformed message or a key outside the prefix
	 */
	KeyNotification decode(byte[] channel, byte[] message, byte[] keyPrefix, byte[] pattern, String node);

}
