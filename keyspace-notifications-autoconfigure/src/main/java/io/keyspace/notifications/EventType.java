package io.keyspace.notifications;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Names of the common keyspace notification events. Events are plain strings everywhere in
 * this library, so an event a newer server adds works without a library update; these
 * constants only spare typing and typos.
 */
public final class EventType {

	// String commands
	public static final String SET = "set";
	public static final String SETEX = "setex";
	public static final String SETNX = "setnx";
	public static final String SETRANGE = "setrange";
	public static final String INCR = "incr";
	public static final String INCRBY = "incrby";
	public static final String INCRBYFLOAT = "incrbyfloat";
	public static final String DECR = "decr";
	public static final String DECRBY = "decrby";
	public static final String APPEND = "append";

	// Generic commands
	public static final String DEL = "del";
	public static final String UNLINK = "unlink";
	public static final String RENAME = "rename";
	public static final String RENAME_FROM = "rename_from";
	public static final String RENAME_TO = "rename_to";
	public static final String COPY_TO = "copy_to";
	public static final String MOVE = "move";
	public static final String RESTORE = "restore";

	// Expiration events
	public static final String EXPIRE = "expire";
	public static final String EXPIREAT = "expireat";
	public static final String PEXPIRE = "pexpire";
	public static final String PEXPIREAT = "pexpireat";
	public static final String EXPIRED = "expired";
	public static final String PERSIST = "persist";

	// Eviction events
	public static final String EVICTED = "evicted";

	// List commands
	public static final String LPUSH = "lpush";
	public static final String RPUSH = "rpush";
	public static final String LPOP = "lpop";
	public static final String RPOP = "rpop";
	public static final String LINSERT = "linsert";
	public static final String LSET = "lset";
	public static final String LTRIM = "ltrim";
	public static final String LMOVE = "lmove";
	public static final String BLPOP = "blpop";
	public static final String BRPOP = "brpop";
	public static final String BLMOVE = "blmove";

	// Set commands
	public static final String SADD = "sadd";
	public static final String SREM = "srem";
	public static final String SPOP = "spop";
	public static final String SMOVE = "smove";
	public static final String SINTERSTORE = "sinterstore";
	public static final String SUNIONSTORE = "sunionstore";
	public static final String SDIFFSTORE = "sdiffstore";

	// Sorted set commands
	public static final String ZADD = "zadd";
	public static final String ZINCRBY = "zincrby";
	public static final String ZREM = "zrem";
	public static final String ZREMRANGEBYRANK = "zremrangebyrank";
	public static final String ZREMRANGEBYSCORE = "zremrangebyscore";
	public static final String ZREMRANGEBYLEX = "zremrangebylex";
	public static final String ZPOPMIN = "zpopmin";
	public static final String ZPOPMAX = "zpopmax";
	public static final String BZPOPMIN = "bzpopmin";
	public static final String BZPOPMAX = "bzpopmax";
	public static final String ZINTERSTORE = "zinterstore";
	public static final String ZUNIONSTORE = "zunionstore";
	public static final String ZDIFFSTORE = "zdiffstore";
	public static final String ZRANGESTORE = "zrangestore";

	// Hash commands
	public static final String HSET = "hset";
	public static final String HSETNX = "hsetnx";
	public static final String HDEL = "hdel";
	public static final String HINCRBY = "hincrby";
	public static final String HINCRBYFLOAT = "hincrbyfloat";

	// Hash-field expiry (Redis 7.4+): HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT (and HGETEX, HSETEX
	// with a TTL) publish hexpire; fields that expire publish hexpired, on the primary only (a
	// replica applies the primary's hdel); HPERSIST publishes hpersist.
	public static final String HEXPIRE = "hexpire";
	public static final String HEXPIRED = "hexpired";
	public static final String HPERSIST = "hpersist";

	// Stream commands
	public static final String XADD = "xadd";
	public static final String XTRIM = "xtrim";
	public static final String XDEL = "xdel";
	public static final String XGROUP_CREATE = "xgroup-create";
	public static final String XGROUP_CREATECONSUMER = "xgroup-createconsumer";
	public static final String XGROUP_DELCONSUMER = "xgroup-delconsumer";
	public static final String XGROUP_DESTROY = "xgroup-destroy";
	public static final String XGROUP_SETID = "xgroup-setid";
	public static final String XSETID = "xsetid";
	public static final String XCLAIM = "xclaim";
	public static final String XAUTOCLAIM = "xautoclaim";
	public static final String XREADGROUP = "xreadgroup";

	// Other
	public static final String NEW = "new";
	public static final String SORTSTORE = "sortstore";
	public static final String GETEX = "getex";
	public static final String GETDEL = "getdel";
	public static final String SETIFGT = "setifgt";
	public static final String SETIFLT = "setiflt";
	public static final String SETIFEQ = "setifeq";
	public static final String SETIFNE = "setifne";

	/**
	 * Not a Redis event: a key found by a resync pass after a gap (see
	 * {@link KeyspaceNotifications#subscribeResynced}), delivered whatever the handler's event filter.
	 */
	public static final String RESYNC = "resync";

	private static final Set<String> KNOWN = Set.copyOf(all());

	private EventType() {
	}

	/**
	 * Whether an event is one of the constants above: a bounded set, e.g. for a metric tag,
	 * where any other name the server sends (a module's own events) would not be.
	 */
	public static boolean isKnown(String event) {
		return KNOWN.contains(event);
	}

	/**
	 * Every constant above, read from the fields themselves so that there is one list: the
	 * parser hands these out instead of decoding a new String per message.
	 */
	static List<String> all() {
		List<String> names = new ArrayList<>();
		for (Field field : EventType.class.getFields()) {
			if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
				try {
					names.add((String) field.get(null));
				}
				catch (IllegalAccessException ex) {
					throw new IllegalStateException(ex); // public fields of this class: cannot happen
				}
			}
		}
		return List.copyOf(names);
	}

}
