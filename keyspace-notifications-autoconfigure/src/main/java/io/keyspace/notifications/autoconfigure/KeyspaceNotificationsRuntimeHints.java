package io.keyspace.notifications.autoconfigure;

import redis.clients.jedis.util.RedisInputStream;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Reflection a native image needs beyond {@code @OnKeyEvent} methods (those are covered by
 * {@code @Reflective} on the annotation): the subscriber connection reads the fill level of
 * Jedis' {@link RedisInputStream} through VarHandles on its {@code count} and {@code limit}
 * fields to hand bursts over as batches. Without these hints it would still work, one message
 * at a time.
 */
class KeyspaceNotificationsRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		hints.reflection().registerType(RedisInputStream.class, (type) -> type.withField("count").withField("limit"));
	}

}
