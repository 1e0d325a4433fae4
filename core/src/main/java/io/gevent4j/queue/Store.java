package io.gevent4j.queue;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Iterator;

/** The items of a queue in the order gets take them: FIFO, LIFO or by priority. */
interface Store<T> extends Iterable<T> {

    void add(T item);

    /** Removes and returns the next item to get; the store is not empty. */
    T remove();

    /** The next item to get, or {@code null}. */
    T peek();

    int size();

    boolean removeItem(Object o);

    boolean contains(Object o);

    static <T> Store<T> fifo() {
        return new Deque<>(false);
    }

    static <T> Store<T> lifo() {
        return new Deque<>(true);
    }

    static <T> Store<T> priority(Comparator<? super T> comparator) {
        return new Heap<>(comparator);
    }

    /** FIFO takes from the head, LIFO from the tail; both add at the tail. */
    final class Deque<T> implements Store<T> {
        private final ArrayDeque<T> items = new ArrayDeque<>();
        private final boolean lifo;

        Deque(boolean lifo) {
            this.lifo = lifo;
        }

        @Override
        public void add(T item) {
            items.addLast(item);
        }

        @Override
        public T remove() {
            return lifo ? items.removeLast() : items.removeFirst();
        }

        @Override
        public T peek() {
            return lifo ? items.peekLast() : items.peekFirst();
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public boolean removeItem(Object o) {
            return lifo ? items.removeLastOccurrence(o) : items.removeFirstOccurrence(o);
        }

        @Override
        public boolean contains(Object o) {
            return items.contains(o);
        }

        @Override
        public Iterator<T> iterator() {
            return lifo ? items.descendingIterator() : items.iterator();
        }
    }

    /** A binary heap: the least item first. */
    final class Heap<T> implements Store<T> {
        private final java.util.PriorityQueue<T> items;

        Heap(Comparator<? super T> comparator) {
            this.items = new java.util.PriorityQueue<>(comparator);
        }

        @Override
        public void add(T item) {
            items.add(item);
        }

        @Override
        public T remove() {
            return items.remove();
        }

        @Override
        public T peek() {
            return items.peek();
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public boolean removeItem(Object o) {
            return items.remove(o);
        }

        @Override
        public boolean contains(Object o) {
            return items.contains(o);
        }

        @Override
        public Iterator<T> iterator() {
            return items.iterator();
        }
    }
}
