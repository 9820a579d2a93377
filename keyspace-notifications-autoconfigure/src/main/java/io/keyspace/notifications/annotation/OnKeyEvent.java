package io.keyspace.notifications.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.keyspace.notifications.ChannelType;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Calls the annotated method for Redis keyspace notifications.
 * <pre class="code">
 * &#64;OnKeyEvent(key = "product:*", event = {"set", "del", "expired"})
 * void evict(KeyNotification n) { cache.evict(n.key()); }
 * </pre>
 * The server filters by the channel, the client by the rest: with {@code key} and
 * {@code event} on a KEYSPACE subscription the server sends only the keys' notifications
 * and the client keeps the listed events (the reverse on KEYEVENT). Keys and events may be
 * Redis globs. Every string attribute resolves {@code ${...}} placeholders.
 * <p>
 * The method may take, in any order, a {@code KeyNotification}, a {@code String} (the
 * key), a {@code byte[]} (the key's exact bytes) and a {@code List<String>} (the subkeys),
 * or nothing. It runs on a handler thread; calls for the same key never overlap and come
 * in order.
 * <p>
 * Repeatable, and usable as a meta-annotation to build your own, e.g. {@code @OnExpired}.
 * <p>
 * With a {@link #group()}, one instance of the application handles each notification, however
 * many instances run: the notifications go through a Redis Stream read by a consumer group
 * ({@link io.keyspace.notifications.NotificationGroups}), and the method runs on that group's
 * reader thread.
 * <p>
 * Meta-annotated with {@link Reflective @Reflective}: Spring's AOT processing registers the
 * reflection hints a native image needs to find and call the method on every bean.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(OnKeyEvents.class)
@Reflective
public @interface OnKeyEvent {

	/** Keys or key globs, e.g. {@code "product:*"}. Without a key prefix applied. */
	String[] key() default {};

	/** Event names or globs, e.g. {@code "set"}, {@code "expired"}, {@code "h*"}. */
	String[] event() default {};

	/**
	 * The channel kind. Default: KEYSPACE when a key is given, KEYEVENT when only events
	 * are. At most one value.
	 */
	ChannelType[] type() default {};

	/** The hash field (or field glob); only with {@code type = SUBKEYSPACEITEM}. */
	String subkey() default "";

	/** The database number; default: the application's ({@code spring.data.redis.database}). */
	String db() default "";

	/**
	 * A name for this handler in log messages (e.g. when it throws) and in the container's
	 * endpoint list; default {@code BeanClass#method}.
	 */
	String id() default "";

	/** The bean name of the listener container to use; default: the auto-configured one. */
	String container() default "";

	/**
	 * Handles each notification once across the application's instances instead of once per
	 * instance: the name of a group (e.g. {@code "billing"}), shared by every instance that
	 * runs this method. Default {@code ""}: not grouped, every instance is called. A group has
	 * one handler per application.
	 */
	String group() default "";

	/**
	 * Keeps what the method derives from Redis right after any interruption: when the handler
	 * starts, and after every gap on a node, the node's keys that match {@code key} are scanned
	 * and the method is called once per existing key with an event {@code resync}
	 * ({@link io.keyspace.notifications.EventType#RESYNC}), whatever its {@code event} filter.
	 * Each pass is bracketed by a {@link io.keyspace.notifications.listener.KeyspaceResyncEvent},
	 * {@code STARTED} and {@code COMPLETED}, so that a view can drop the keys a pass did not see.
	 * Needs a {@code key}; not with a {@code group}. Default {@code false}.
	 */
	boolean resync() default false;

}
