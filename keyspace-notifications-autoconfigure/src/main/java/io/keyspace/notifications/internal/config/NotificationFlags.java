package io.keyspace.notifications.internal.config;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.keyspace.notifications.ChannelType;
import io.keyspace.notifications.ChannelType.Part;
import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.channel.RedisGlob;
import io.keyspace.notifications.internal.match.Subscription;

/**
 * The {@code notify-keyspace-events} letters that subscriptions need, and how to add them to a
 * server's value without removing any. Pure: no I/O, no state.
 * <p>
 * A channel needs the letter of its kind ({@code K}, {@code E}, and Redis 8.8's {@code S},
 * {@code T}, {@code I}, {@code V} for the four subkey kinds) and the class of every event it
 * can carry: the one event its name gives, else the events its handlers' filters allow, else
 * all ({@code A}). An event glob, or an event this class does not know (a module's, a newer
 * server's), also needs {@code A}. {@code A} stands for {@code g$lshzxetd}: key-miss
 * ({@code m}), new-key ({@code n}), overwritten ({@code o}) and type-changed ({@code c}) are
 * requested only for those exact event names, as Redis leaves them out of {@code A} because
 * of their volume.
 * <p>
 * Values are written in Redis's own order (what {@code CONFIG GET} shows): the classes, or
 * {@code A} when all of them are there, then {@code n o c}, then {@code K E m S T I V}, then
 * letters this class does not know, kept as they were.
 */
public final class NotificationFlags {

	/** The classes {@code A} stands for. */
	static final String ALL_CLASSES = "g$lshzxetd";

	private static final String ORDER = ALL_CLASSES + "noc" + "KEmSTIV";

	/**
	 * Letters Redis (up to 8.8 at least) does not print after {@code A} in {@code CONFIG GET}
	 * although they are set, so a value that shows {@code A} cannot tell whether they are on.
	 */
	private static final String HIDDEN_AFTER_ALL = "noc";

	private static final Map<ChannelType, Character> KIND_LETTERS = Map.of(ChannelType.KEYSPACE, 'K',
			ChannelType.KEYEVENT, 'E', ChannelType.SUBKEYSPACE, 'S', ChannelType.SUBKEYEVENT, 'T',
			ChannelType.SUBKEYSPACEITEM, 'I', ChannelType.SUBKEYSPACEEVENT, 'V');

	private static final Map<String, Character> EVENT_CLASSES = eventClasses();

	private NotificationFlags() {
	}

	/**
	 * The letters a set of subscriptions needs.
	 * @param subscriptions channels with their handlers
	 * @return the letters in canonical order, empty for no subscriptions
	 */
	public static String required(Collection<Subscription> subscriptions) {
		Set<Character> letters = new LinkedHashSet<>();
		for (Subscription subscription : subscriptions) {
			letters.addAll(parse(required(subscription.channel(), subscription.eventGlobs())));
		}
		return render(letters);
	}

	/**
	 * The letters one channel needs.
	 * @param channel the channel
	 * @param handlerEvents the event globs its handlers are limited to, empty if any event
	 * @return the letters in canonical order
	 */
	static String required(NotificationChannel channel, Optional<Set<String>> handlerEvents) {
		Set<Character> letters = new LinkedHashSet<>();
		letters.add(KIND_LETTERS.get(channel.type()));
		String event = channel.type().inChannel(Part.EVENT) ? channel.part(Part.EVENT) : null;
		if (event != null && !RedisGlob.isPattern(event)) {
			letters.addAll(parse(classOf(RedisGlob.unescape(event))));
		}
		else if (handlerEvents.isPresent()) {
			handlerEvents.get().forEach((glob) -> letters.addAll(parse(RedisGlob.isPattern(glob) ? "A"
					: classOf(RedisGlob.unescape(glob)))));
		}
		else {
			letters.addAll(parse("A"));
		}
		return render(letters);
	}

	/**
	 * The class of an exact event name.
	 * @param event the event, e.g. {@code "expired"}
	 * @return its letter, or {@code "A"} when the event is not known here
	 */
	static String classOf(String event) {
		Character letter = EVENT_CLASSES.get(event);
		return (letter != null) ? letter.toString() : "A";
	}

	/**
	 * The letters of {@code required} that {@code current} lacks.
	 * @param current the server's value, as {@code CONFIG GET} shows it
	 * @param required letters needed
	 * @return the missing letters in canonical order, empty if none
	 */
	public static String missing(String current, String required) {
		Set<Character> have = parse(current);
		Set<Character> missing = parse(required);
		missing.removeAll(have);
		if (current.indexOf('A') >= 0) {
			// Cannot be told from the value; reporting them would repeat a false warning forever.
			HIDDEN_AFTER_ALL.chars().forEach((letter) -> missing.remove((char) letter));
		}
		return render(missing);
	}

	/**
	 * The server's value with the required letters added; none is ever removed.
	 * @param current the server's value
	 * @param required letters needed
	 * @return the merged value in canonical order, {@code A} for all classes
	 */
	public static String merge(String current, String required) {
		Set<Character> letters = parse(current);
		letters.addAll(parse(required));
		return render(letters);
	}

	/** The letters of a value, with {@code A} expanded. */
	private static Set<Character> parse(String value) {
		Set<Character> letters = new LinkedHashSet<>();
		for (char letter : value.toCharArray()) {
			if (letter == 'A') {
				ALL_CLASSES.chars().forEach((c) -> letters.add((char) c));
			}
			else {
				letters.add(letter);
			}
		}
		return letters;
	}

	/** Canonical order; letters not in it follow in the order they were added (a value's own order first). */
	private static String render(Set<Character> letters) {
		StringBuilder value = new StringBuilder();
		boolean all = ALL_CLASSES.chars().allMatch((c) -> letters.contains((char) c));
		if (all) {
			value.append('A');
		}
		for (char letter : ORDER.toCharArray()) {
			if (letters.contains(letter) && !(all && ALL_CLASSES.indexOf(letter) >= 0)) {
				value.append(letter);
			}
		}
		letters.stream().filter((letter) -> ORDER.indexOf(letter) < 0).forEach(value::append);
		return value.toString();
	}

	/**
	 * Event names by class, from the Redis keyspace notification docs and sources, plus the
	 * names {@link io.keyspace.notifications.EventType} offers for commands whose events Redis
	 * names differently (e.g. {@code setex}, which Redis reports as {@code set}): were a
	 * server to send them, they would be of that class.
	 */
	private static Map<String, Character> eventClasses() {
		Map<String, Character> classes = new HashMap<>();
		put(classes, 'g', "del", "unlink", "rename", "rename_from", "rename_to", "move", "move_from", "move_to",
				"copy_to", "restore", "expire", "expireat", "pexpire", "pexpireat", "persist");
		put(classes, '$', "set", "setex", "setnx", "setrange", "incr", "incrby", "incrbyfloat", "decr", "decrby",
				"append");
		put(classes, 'l', "lpush", "rpush", "lpop", "rpop", "linsert", "lset", "lrem", "ltrim", "lmove", "blpop",
				"brpop", "blmove", "sortstore");
		put(classes, 's', "sadd", "srem", "spop", "smove", "sinterstore", "sunionstore", "sdiffstore");
		put(classes, 'h', "hset", "hsetnx", "hdel", "hincrby", "hincrbyfloat", "hexpire", "hexpired", "hpersist");
		put(classes, 'z', "zadd", "zincr", "zincrby", "zrem", "zremrangebyrank", "zremrangebyscore",
				"zremrangebylex", "zrembyrank", "zrembyscore", "zrembylex", "zpopmin", "zpopmax", "bzpopmin",
				"bzpopmax", "zinterstore", "zunionstore", "zdiffstore", "zrangestore");
		put(classes, 't', "xadd", "xtrim", "xdel", "xgroup-create", "xgroup-createconsumer", "xgroup-delconsumer",
				"xgroup-destroy", "xgroup-setid", "xsetid", "xclaim", "xautoclaim", "xreadgroup");
		put(classes, 'x', "expired");
		put(classes, 'e', "evicted");
		put(classes, 'm', "keymiss");
		put(classes, 'n', "new");
		put(classes, 'o', "overwritten");
		put(classes, 'c', "type_changed");
		return Map.copyOf(classes);
	}

	private static void put(Map<String, Character> classes, char letter, String... events) {
		for (String event : events) {
			classes.put(event, letter);
		}
	}

}
