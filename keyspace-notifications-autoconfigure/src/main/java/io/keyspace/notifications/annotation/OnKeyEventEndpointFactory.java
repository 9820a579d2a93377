package io.keyspace.notifications.annotation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.keyspace.notifications.ChannelType.Part;
import io.keyspace.notifications.ChannelType;
import io.keyspace.notifications.FilteredHandler;
import io.keyspace.notifications.KeyNotificationFilter;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.listener.KeyEventEndpoint;
import io.keyspace.notifications.listener.NamedHandler;

/**
 * Turns the (placeholder-resolved) attributes of one {@code @OnKeyEvent} into channels and
 * a client-side filter: the parts the channel kind's layout carries ({@link ChannelType#channelParts()})
 * go to the server, the key or event it does not carry becomes a {@link KeyNotificationFilter},
 * applied on the reader thread before queueing.
 */
public final class OnKeyEventEndpointFactory {

	private final String keyPrefix;

	private final int defaultDatabase;

	private final Duration handlerTimeout;

	/**
	 * @param keyPrefix prepended to every key in a channel (notifications arrive with it
	 * stripped), or empty
	 * @param defaultDatabase the database of annotations without {@code db}
	 */
	public OnKeyEventEndpointFactory(String keyPrefix, int defaultDatabase) {
		this(keyPrefix, defaultDatabase, MethodHandlerAdapter.DEFAULT_TIMEOUT);
	}

	/**
	 * @param handlerTimeout how long a method returning a {@code Mono}, {@code Publisher} or
	 * {@code CompletionStage}, or a {@code suspend fun}, may take
	 * @see #OnKeyEventEndpointFactory(String, int)
	 */
	public OnKeyEventEndpointFactory(String keyPrefix, int defaultDatabase, Duration handlerTimeout) {
		this.keyPrefix = (keyPrefix != null) ? keyPrefix : "";
		this.defaultDatabase = defaultDatabase;
		if (handlerTimeout == null || handlerTimeout.isNegative() || handlerTimeout.isZero()) {
			throw new IllegalArgumentException("keyspace-notifications.reactive.handler-timeout must be positive, was "
					+ handlerTimeout);
		}
		this.handlerTimeout = handlerTimeout;
	}

	/** How long a reactive or asynchronous {@code @OnKeyEvent} method may take. */
	public Duration handlerTimeout() {
		return this.handlerTimeout;
	}

	public KeyEventEndpoint create(Attributes attributes, KeyNotificationHandler handler) {
		String name = attributes.handlerName();
		ChannelType type = type(attributes);
		int db = database(attributes);
		if (!attributes.subkey().isEmpty() && !type.inChannel(Part.SUBKEY)) {
			throw new InvalidOnKeyEventException(name, "subkey is set but type is " + type,
					"Add type = ChannelType.SUBKEYSPACEITEM, or remove subkey");
		}
		Map<Part, List<String>> values = new EnumMap<>(Part.class);
		values.put(Part.KEY, attributes.keys().stream().map((key) -> this.keyPrefix + key).toList());
		values.put(Part.EVENT, attributes.events());
		values.put(Part.SUBKEY, attributes.subkey().isEmpty() ? List.of() : List.of(attributes.subkey()));
		for (Part part : Part.values()) {
			if (type.inChannel(part) && values.get(part).isEmpty()) {
				throw missing(name, type, part);
			}
		}
		List<NotificationChannel> channels = new ArrayList<>();
		try {
			addChannels(type, db, values, 0, new String[type.channelParts().size()], channels);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidOnKeyEventException(name, ex.getMessage(), "Give non-empty keys and events");
		}
		String id = attributes.id().isEmpty() ? name : attributes.id();
		KeyNotificationHandler named = attributes.id().isEmpty() ? handler : new NamedHandler(id, handler);
		KeyNotificationFilter filter = clientSideFilter(type, attributes);
		if (attributes.resync()) {
			checkResync(attributes);
		}
		return new KeyEventEndpoint(id, channels, (filter != null) ? new FilteredHandler(filter, named) : named,
				attributes.group(), attributes.resync());
	}

	/** A resync scans keys, and runs in every instance: it needs a key and no group. */
	private static void checkResync(Attributes attributes) {
		if (attributes.keys().isEmpty()) {
			throw new InvalidOnKeyEventException(attributes.handlerName(),
					"resync = true needs keys to scan, but the annotation names no key",
					"Add key = \"<key or glob>\" (e.g. key = \"session:*\" next to event = \"expired\"), or remove resync");
		}
		if (!attributes.group().isEmpty()) {
			throw new InvalidOnKeyEventException(attributes.handlerName(),
					"resync = true calls the method for every key in every instance, but group '" + attributes.group()
							+ "' handles each notification once across instances",
					"Remove resync, or remove group and let each instance keep its own view");
		}
	}

	/** One channel per combination of the values of the kind's parts, in layout order. */
	private static void addChannels(ChannelType type, int db, Map<Part, List<String>> values, int index,
			String[] chosen, List<NotificationChannel> channels) {
		if (index == chosen.length) {
			channels.add(NotificationChannel.of(type, db, chosen.clone()));
			return;
		}
		for (String value : values.get(type.channelParts().get(index))) {
			chosen[index] = value;
			addChannels(type, db, values, index + 1, chosen, channels);
		}
	}

	/** What the channel cannot carry is filtered in the client, before queueing; null when nothing is. */
	private static KeyNotificationFilter clientSideFilter(ChannelType type, Attributes attributes) {
		List<String> keys = type.inChannel(Part.KEY) ? List.of() : attributes.keys();
		List<String> events = type.inChannel(Part.EVENT) ? List.of() : attributes.events();
		if (keys.isEmpty() && events.isEmpty()) {
			return null;
		}
		try {
			return KeyNotificationFilter.of(keys, events);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidOnKeyEventException(attributes.handlerName(), ex.getMessage(),
					"Give non-empty keys and events");
		}
	}

	private static InvalidOnKeyEventException missing(String name, ChannelType type, Part part) {
		if (part == Part.SUBKEY) {
			return new InvalidOnKeyEventException(name, "type " + type + " needs a subkey",
					"Add subkey = \"<field or glob>\"");
		}
		String attribute = part.name().toLowerCase(Locale.ROOT);
		return new InvalidOnKeyEventException(name, "type " + type + " needs " + attribute,
				"Add " + attribute + " = \"...\"");
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
	 * @param group the group that handles each notification once across instances, or empty
	 * @param resync whether the handler's keys are resynced after every gap
	 */
	public record Attributes(String handlerName, List<String> keys, List<String> events, ChannelType[] type,
			String subkey, String db, String id, String group, boolean resync) {

		/** Attributes of a handler without a group. */
		public Attributes(String handlerName, List<String> keys, List<String> events, ChannelType[] type,
				String subkey, String db, String id) {
			this(handlerName, keys, events, type, subkey, db, id, "", false);
		}

		/** Attributes of a handler that is not resynced. */
		public Attributes(String handlerName, List<String> keys, List<String> events, ChannelType[] type,
				String subkey, String db, String id, String group) {
			this(handlerName, keys, events, type, subkey, db, id, group, false);
		}

	}

}
