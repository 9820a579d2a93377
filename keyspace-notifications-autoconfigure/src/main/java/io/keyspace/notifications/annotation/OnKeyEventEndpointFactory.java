package io.keyspace.notifications.annotation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.keyspace.notifications.ChannelType;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.channel.KeyeventChannel;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.channel.SubkeyeventChannel;
import io.keyspace.notifications.channel.SubkeyspaceChannel;
import io.keyspace.notifications.channel.SubkeyspaceeventChannel;
import io.keyspace.notifications.channel.SubkeyspaceitemChannel;
import io.keyspace.notifications.listener.FilteringHandler;
import io.keyspace.notifications.listener.GlobFilter;
import io.keyspace.notifications.listener.KeyEventEndpoint;
import io.keyspace.notifications.listener.NamedHandler;

/**
 * Turns the (placeholder-resolved) attributes of one {@code @OnKeyEvent} into channels and
 * a client-side filter: what the channel kind can express goes to the server, the rest is
 * filtered when the notification arrives.
 */
public final class OnKeyEventEndpointFactory {

	private final String keyPrefix;

	private final int defaultDatabase;

	/**
	 * @param keyPrefix prepended to every key in a channel (notifications arrive with it
	 * stripped), or empty
	 * @param defaultDatabase the database of annotations without {@code db}
	 */
	public OnKeyEventEndpointFactory(String keyPrefix, int defaultDatabase) {
		this.keyPrefix = (keyPrefix != null) ? keyPrefix : "";
		this.defaultDatabase = defaultDatabase;
	}

	public KeyEventEndpoint create(Attributes attributes, KeyNotificationHandler handler) {
		String name = attributes.handlerName();
		ChannelType type = type(attributes);
		int db = database(attributes);
		if (!attributes.subkey().isEmpty() && type != ChannelType.SUBKEYSPACEITEM) {
			throw new InvalidOnKeyEventException(name, "subkey is set but type is " + type,
					"Add type = ChannelType.SUBKEYSPACEITEM, or remove subkey");
		}
		List<String> keys = attributes.keys();
		List<String> events = attributes.events();
		List<NotificationChannel> channels = new ArrayList<>();
		Predicate<KeyNotification> filter = null;
		try {
			switch (type) {
				case KEYSPACE -> {
					require(name, type, "key", keys);
					keys.forEach((key) -> channels.add(new KeyspaceChannel(this.keyPrefix + key, db)));
					filter = eventFilter(events);
				}
				case KEYEVENT -> {
					require(name, type, "event", events);
					events.forEach((event) -> channels.add(new KeyeventChannel(event, db)));
					filter = keyFilter(keys);
				}
				case SUBKEYSPACE -> {
					require(name, type, "key", keys);
					keys.forEach((key) -> channels.add(new SubkeyspaceChannel(this.keyPrefix + key, db)));
					filter = eventFilter(events);
				}
				case SUBKEYEVENT -> {
					require(name, type, "event", events);
					events.forEach((event) -> channels.add(new SubkeyeventChannel(event, db)));
					filter = keyFilter(keys);
				}
				case SUBKEYSPACEITEM -> {
					require(name, type, "key", keys);
					if (attributes.subkey().isEmpty()) {
						throw new InvalidOnKeyEventException(name, "type SUBKEYSPACEITEM needs a subkey",
								"Add subkey = \"<field or glob>\"");
					}
					keys.forEach((key) -> channels
						.add(new SubkeyspaceitemChannel(this.keyPrefix + key, attributes.subkey(), db)));
					filter = eventFilter(events);
				}
				case SUBKEYSPACEEVENT -> {
					require(name, type, "key", keys);
					require(name, type, "event", events);
					events.forEach((event) -> keys.forEach(
							(key) -> channels.add(new SubkeyspaceeventChannel(event, this.keyPrefix + key, db))));
				}
			}
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidOnKeyEventException(name, ex.getMessage(), "Give non-empty keys and events");
		}
		String id = attributes.id().isEmpty() ? name : attributes.id();
		KeyNotificationHandler named = attributes.id().isEmpty() ? handler : new NamedHandler(id, handler);
		return new KeyEventEndpoint(id, channels, (filter != null) ? new FilteringHandler(filter, named) : named);
	}

	private static ChannelType type(Attributes attributes) {
		ChannelType[] types = attributes.type();
		if (types.length > 1) {
			throw new InvalidOnKeyEventException(attributes.handlerName(), "type has " + types.length + " values",
					"Give at most one ChannelType");
		}
		if (types.length == 1) {
			return types[0];
		}
		if (!attributes.keys().isEmpty()) {
			return ChannelType.KEYSPACE;
		}
		if (!attributes.events().isEmpty()) {
			return ChannelType.KEYEVENT;
		}
		throw new InvalidOnKeyEventException(attributes.handlerName(), "the annotation names neither a key nor an event",
				"Add key = \"<key or glob>\" and/or event = \"<event or glob>\"");
	}

	private int database(Attributes attributes) {
		String db = attributes.db().trim();
		if (db.isEmpty()) {
			return this.defaultDatabase;
		}
		try {
			int number = Integer.parseInt(db);
			if (number >= 0) {
				return number;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new InvalidOnKeyEventException(attributes.handlerName(), "db '" + db + "' is not a database number",
				"Use a number such as \"0\", or leave db out to use spring.data.redis.database");
	}

	private static void require(String name, ChannelType type, String attribute, List<String> values) {
		if (values.isEmpty()) {
			throw new InvalidOnKeyEventException(name, "type " + type + " needs " + attribute,
					"Add " + attribute + " = \"...\"");
		}
	}

	private static Predicate<KeyNotification> eventFilter(List<String> events) {
		if (events.isEmpty()) {
			return null;
		}
		GlobFilter globs = new GlobFilter(events);
		return (notification) -> globs.test(notification.event());
	}

	private static Predicate<KeyNotification> keyFilter(List<String> keys) {
		if (keys.isEmpty()) {
			return null;
		}
		GlobFilter globs = new GlobFilter(keys);
		return (notification) -> globs.test(notification.key());
	}

	/**
	 * The attributes of one {@code @OnKeyEvent}, placeholders resolved.
	 *
	 * @param handlerName {@code BeanClass#method}, for messages
	 * @param keys keys or globs
	 * @param events events or globs
	 * @param type zero or one channel type
	 * @param subkey subkey or glob, or empty
	 * @param db database number, or empty for the default
	 * @param id handler id, or empty
	 */
	public record Attributes(String handlerName, List<String> keys, List<String> events, ChannelType[] type,
			String subkey, String db, String id) {
	}

}
