/**
 * A product catalogue whose local cache is kept fresh by {@code @OnKeyEvent} handlers, with a
 * web page that shows the notifications live. Run it with
 * {@code ./mvnw -pl sample-app -am spring-boot:run}; without a configured Redis it starts one.
 */
package io.keyspace.sample;
