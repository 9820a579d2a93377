/**
 * Stock reservations that release themselves: a hold on a product's stock is a Redis key
 * with a time to live, and when it expires a group handler
 * ({@code @OnKeyEvent(group = "release-holds")}) puts the held units back, once, whatever the
 * number of instances of the application.
 */
package io.keyspace.sample.stock;
