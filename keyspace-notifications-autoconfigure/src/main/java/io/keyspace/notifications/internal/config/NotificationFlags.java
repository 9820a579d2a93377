package io.keyspace.notifications.internal.config;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.keyspace.notifications.ChannelType.Part;
import io.keyspace.notifications.ChannelType;
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

	/** Every letter known here, in Redis's order; a letter's bit is its index. */
	private static final String ORDER = ALL_CLASSES + "noc" + "KEmSTIV";

	private static final int ALL = mask(ALL_CLASSES);

	/**
	 * Letters Redis (up to 8.8 at least) does not print after {@code A} in {@code CONFIG GET}
	 * although they are set, so a value that shows {@code A} cannot tell whether they are on.
	 */
	private static final int HIDDEN_AFTER_ALL = mask("noc");

	private static final Map<ChannelType, Integer> KIND_LETTERS = Map.of(ChannelType.KEYSPACE, mask("K"),
			ChannelType.KEYEVENT, mask("E"), ChannelType.SUBKEYSPACE, mask("S"), ChannelType.SUBKEYEVENT, mask("T"),
			ChannelType.SUBKEYSPACEITEM, mask("I"), ChannelType.SUBKEYSPACEEVENT, mask("V"));

	private static final Map<String, Integer> EVENT_CLASSES = eventClasses();

	private NotificationFlags() {
	}

	/**
	 * The letters a set of subscriptions needs. Runs over the whole registry whenever
	 * subscriptions change, hence bit masks: no allocation per channel.
	 * @param subscriptions channels with their handlers
	 * @return the letters in canonical order, empty for no subscriptions
	 */
	public static String required(Collection<Subscription> subscriptions) {
		int letters = 0;
		for (Subscription subscription : subscriptions) {
			letters |= requiredMask(subscription.channel(), subscription.eventGlobs());
		}
		return render(letters, "");
	}

	/**
	 * Whether {@code current} has every letter the subscriptions need: whether
	 * {@code missing(current, required(subscriptions))} is empty, without building either.
	 * @param current a value as {@code CONFIG GET} shows it, or as {@link #merge} gives it
	 * @param subscriptions channels with their handlers
	 */
	public static boolean covers(String current, Collection<Subscription> subscriptions) {
		int letters = 0;
		for (Subscription subscription : subscriptions) {
			letters |= requiredMask(subscription.channel(), subscription.eventGlobs());
		}
		int missing = letters & ~mask(current);
		if (current.indexOf('A') >= 0) {
			missing &= ~HIDDEN_AFTER_ALL; // as missing() does
		}
		return missing == 0;
	}

	/**
	 * The letters one channel needs.
	 * @param channel the channel
	 * @param handlerEvents the event globs its handlers are limited to, empty if any event
	 * @return the letters in canonical order
	 */
	static String required(NotificationChannel channel, Optional<Set<String>> handlerEvents) {
		return render(requiredMask(channel, handlerEvents), "");
	}

	private static int requiredMask(NotificationChannel channel, Optional<Set<String>> handlerEvents) {
		int letters = KIND_LETTERS.get(channel.type());
		String event = channel.type().inChannel(Part.EVENT) ? channel.part(Part.EVENT) : null;
		if (event != null && !RedisGlob.isPattern(event)) {
			return letters | classMask(RedisGlob.unescape(event));
		}
		if (handlerEvents.isEmpty()) {
			return letters | ALL;
		}
		for (String glob : handlerEvents.get()) {
			letters |= RedisGlob.isPattern(glob) ? ALL : classMask(RedisGlob.unescape(glob));
		}
		return letters;
	}

	/**
	 * The class of an exact event name.
	 * @param event the event, e.g. {@code "expired"}
	 * @return its letter, or {@code "A"} when the event is not known here
	 */
	static String classOf(String event) {
		return render(classMask(event), "");
	}

	private static int classMask(String event) {
		return EVENT_CLASSES.getOrDefault(event, ALL);
	}

	/**
	 * The letters of {@code required} that {@code current} lacks.
	 * @param current the server's value, as {@code CONFIG GET} shows it
	 * @param required letters needed
	 * @return the missing letters in canonical order, empty if none
	 */
	public static String missing(String current, String required) {
		int missing = mask(required) & ~mask(current);
		if (current.indexOf('A') >= 0) {
			// Cannot be told from the value; reporting them would repeat a false warning forever.
			missing &= ~HIDDEN_AFTER_ALL;
		}
		String unknownMissing = unknown(required);
		for (char letter : unknown(current).toCharArray()) {
			unknownMissing = unknownMissing.replace(String.valueOf(letter), "");
		}
		return render(missing, unknownMissing);
	}

	/**
	 * The server's value with the required letters added; none is ever removed.
	 * @param current the server's value
	 * @param required letters needed
	 * @return the merged value in canonical order, {@code A} for all classes; letters not known
	 * here (a newer server's) are kept at the end in their order
	 */
	public static String merge(String current, String required) {
		String unknown = unknown(current);
		for (char letter : unknown(required).toCharArray()) {
			if (unknown.indexOf(letter) < 0) {
				unknown += letter;
			}
		}
		return render(mask(current) | mask(required), unknown);
	}

	/** The known letters of a value as bits, with {@code A} expanded. */
	private static int mask(String value) {
		int mask = 0;
		for (char letter : value.toCharArray()) {
			int index = ORDER.indexOf(letter);
			if (letter == 'A') {
				mask |= ALL;
			}
			else if (index >= 0) {
				mask |= 1 << index;
			}
		}
		return mask;
	}

	/** The letters of a value not known here, each once, in their order. */
	private static String unknown(String value) {
		StringBuilder unknown = new StringBuilder();
		for (char letter : value.toCharArray()) {
			if (letter != 'A' && ORDER.indexOf(letter) < 0 && unknown.indexOf(String.valueOf(letter)) < 0) {
				unknown.append(letter);
			}
		}
		return unknown.toString();
	}

	/** Known letters in Redis's order, {@code A} for all classes, then the unknown ones. */
	private static String render(int mask, String unknown) {
		StringBuilder value = new StringBuilder();
		boolean all = (mask & ALL) == ALL;
		if (all) {
			value.append('A');
		}
		for (int index = 0; index < ORDER.length(); index++) {
			boolean set = (mask & (1 << index)) != 0;
			if (set && !(all && (ALL & (1 << index)) != 0)) {
				value.append(ORDER.charAt(index));
			}
		}
		return value.append(unknown).toString();
	}

	/**
	 * Event names by class, from the Redis keyspace notification docs and sources, plus the
	 * names {@link io.keyspace.notifications.EventType} offers for commands whose events Redis
	 * names differently (e.g. {@code setex}, which Redis reports as {@code set}): were a
	 * server to send them, they would be of that class.
	 */
	private static Map<String, Integer> eventClasses() {
		Map<String, Integer> classes = new HashMap<>();
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

	private static void put(Map<String, Integer> classes, char letter, String... events) {
		for (String event : events) {
			classes.put(event, mask(String.valueOf(letter)));
		}
	}

}
