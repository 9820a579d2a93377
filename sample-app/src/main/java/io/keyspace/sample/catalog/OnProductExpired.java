package io.keyspace.sample.catalog;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.keyspace.notifications.EventType;
import io.keyspace.notifications.annotation.OnKeyEvent;

import org.springframework.core.annotation.AliasFor;

/**
 * Calls the method when a product key expires: {@code @OnKeyEvent(event = "expired")} with
 * the product key pattern as default. A composed annotation keeps the channel details in one
 * place; {@link #key()} can still narrow it, e.g. {@code @OnProductExpired(key = "product:flash-*")}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@OnKeyEvent(event = EventType.EXPIRED)
public @interface OnProductExpired {

	/** Product keys or key globs; placeholders are resolved. */
	@AliasFor(annotation = OnKeyEvent.class, attribute = "key")
	String[] key() default "${sample.key-pattern:product:*}";

}
