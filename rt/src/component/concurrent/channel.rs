//! Streams and futures: a channel with a readable and a writable end, as
//! wasmtime runs them between guests.
//!
//! A read or write that finds no operation on the other side waits
//! (`BLOCKED`), its buffer recorded. One that finds the other side
//! waiting copies what both can take at once and returns that count; the
//! waiting side's operation stays open, its count growing with each copy,
//! until its owner takes the event that reports it (from a waitable set,
//! or by cancelling). A zero-length operation only asks whether the other
//! side is ready. Dropping an end completes the other side's operation as
//! dropped, or leaves a dropped event on its idle end.
//!
//! Either end may be the host's ([`HOST`]): a host reading a stream gives
//! a [`Sink`] that takes each write as it comes; a host writing one gives
//! a [`Source`] that each read takes from; a host writing a future gives
//! its value when it has it, lowered into the reader's memory then, or
//! handed as it is to a host reader.

use super::{trap, Concurrency, Event, Object, COPY_CANCELLED, COPY_COMPLETED, COPY_DROPPED};
use crate::component::abi::Cx;
use crate::component::HostContext;
use crate::store::Memory;
use crate::traps::Trap;

/// The object number of an end the host holds.
pub(super) const HOST: u32 = u32::MAX;

/// What the host does with a stream it reads: each write's bytes as the
/// guest writes them.
pub trait Sink {
    /// Take `bytes`; false when the host's reader is gone (the writer is
    /// told its reader dropped).
    fn write(&mut self, bytes: &[u8]) -> bool;
    /// The guest dropped its writable end: the stream is over.
    fn close(self: Box<Self>, c: &mut Concurrency);
    /// If the sink holds all it may now: a future for the event loop that
    /// resolves when it has room, while the guest's write waits.
    fn wait_for_room(&mut self) -> Option<Refill> {
        None
    }
    /// The most bytes one write may hand it now (the rest of the guest's
    /// buffer stays, for its next write); `None`: no bound.
    fn room(&self) -> Option<usize> {
        None
    }
    /// A future's value, `size` bytes at `ptr` in the writer's memory, to
    /// be lifted with the writer's options (its bytes, by default). The
    /// sink is closed right after: a future has one value.
    fn write_value(&mut self, cx: &mut Cx, ptr: u32, size: u32) -> Result<(), Trap> {
        let bytes = match size {
            0 => &[][..],
            _ => &cx.bytes()[ptr as usize..ptr as usize + size as usize],
        };
        self.write(bytes);
        Ok(())
    }
    /// A future's value the host wrote, as its writer typed it: taken, or
    /// given back if this sink reads values of another type. The sink is
    /// closed right after.
    fn take_value(&mut self, value: Box<dyn std::any::Any>) -> Result<(), Box<dyn std::any::Any>> {
        Err(value)
    }
}

/// Where a stream the host writes takes its bytes from.
pub trait Source: std::any::Any {
    /// Up to `max` bytes, blocking until some come; `None` at the end.
    fn read(&mut self, max: usize) -> Option<Vec<u8>>;
    /// Up to `max` values of `size` bytes, lowered at `ptr` with the
    /// reader's options: how many; `None` at the end. Bytes by default;
    /// a stream of other values lowers them itself.
    fn lower(&mut self, cx: &mut Cx, ptr: u32, max: u32, size: u32) -> Result<Option<u32>, Trap> {
        let Some(bytes) = self.read(max as usize * size.max(1) as usize) else {
            return Ok(None);
        };
        let at = ptr as usize;
        cx.bytes()[at..at + bytes.len()].copy_from_slice(&bytes);
        Ok(Some((bytes.len() / size.max(1) as usize) as u32))
    }
    /// The stream is over (`read` said so): the host's writer drops.
    fn end(self: Box<Self>, c: &mut Concurrency);
    /// If `read` would wait now: the I/O that readies it, which the event
    /// loop runs while the guest's read waits and other work goes on;
    /// `refilled` takes its output. `None`: `read` answers at once.
    fn refill(&mut self) -> Option<Refill> {
        None
    }
    fn refilled(&mut self, _output: Box<dyn std::any::Any + Send>) {}
}

/// A stream with nothing in it: its reader learns at once that it ended.
pub struct Ended;

impl Source for Ended {
    fn read(&mut self, _: usize) -> Option<Vec<u8>> {
        None
    }
    fn end(self: Box<Self>, _: &mut Concurrency) {}
}

/// A [`Source`]'s I/O for the event loop.
pub type Refill =
    std::pin::Pin<Box<dyn std::future::Future<Output = Box<dyn std::any::Any + Send>> + Send>>;

/// A host future's value: the writer's own, and how to lower it into a
/// guest reader's memory at a pointer.
pub(super) struct Value {
    pub typed: Box<dyn std::any::Any>,
    pub lower: fn(Box<dyn std::any::Any>, &mut Cx, u32) -> Result<(), Trap>,
}

impl Value {
    fn lower_at(self, cx: &mut Cx, ptr: u32) -> Result<(), Trap> {
        (self.lower)(self.typed, cx, ptr)
    }
}

/// A read or write in progress: its buffer in its instance's memory, the
/// elements copied so far, and, once its owner has something to learn,
/// the outcome its event reports.
#[derive(Clone, Copy)]
pub(super) struct Pending {
    /// The built-in's context: its options, for a value lowered later.
    pub ctx: *const HostContext,
    pub memory: Option<*mut Memory>,
    pub ptr: u32,
    pub count: u32,
    pub done: u32,
    pub outcome: Option<u32>,
}

impl Pending {
    /// Whether `other` is this operation as it was: the same buffer, as
    /// far along, with no outcome yet.
    fn same_as(&self, other: &Pending) -> bool {
        std::ptr::eq(self.ctx, other.ctx)
            && (self.ptr, self.count, self.done) == (other.ptr, other.count, other.done)
            && self.outcome == other.outcome
    }

    pub fn new(ctx: &HostContext, ptr: u32, count: u32) -> Pending {
        Pending {
            ctx,
            memory: ctx.reach().memory,
            ptr,
            count,
            done: 0,
            outcome: None,
        }
    }
}

/// What a read or write came to: its packed outcome (or `BLOCKED`), or a
/// copy of values to make before it has one.
pub(super) enum Copied {
    Done(u32),
    Values(ValueCopy),
}

/// `n` values to copy from the writer's operation to the reader's, on
/// `channel`, for the side `reading` (or writing) that found the other
/// waiting.
pub(super) struct ValueCopy {
    channel: u32,
    reading: bool,
    pub from: Pending,
    pub to: Pending,
    pub n: u32,
}

/// What one end knows besides its operation.
#[derive(Default, Clone, Copy)]
pub(super) struct EndState {
    pub(super) op: Option<Pending>,
    /// Told that the other end dropped: it may not copy again.
    told_dropped: bool,
    /// A future's read or write succeeded: it may not be repeated.
    succeeded: bool,
}

pub struct Channel {
    /// Bytes and alignment of one element (0: no values, only signals).
    pub(super) elem: (u32, u32),
    /// The elements are numbers (or absent): the only payloads copied
    /// between two ends held by one component instance.
    pub(super) numeric: bool,
    pub(super) future: bool,
    /// The ends, by object number ([`HOST`] for the host's), while they
    /// are not dropped.
    pub(super) readable: Option<u32>,
    pub(super) writable: Option<u32>,
    pub(super) read: EndState,
    pub(super) write: EndState,
    /// The host's side, when it holds an end.
    pub(super) sink: Option<Box<dyn Sink>>,
    pub(super) source: Option<Box<dyn Source>>,
    /// The job readying the host's side (refilling its source, or
    /// waiting for room in its sink), while one runs.
    pub(super) readying: Option<u64>,
    pub(super) value: Option<Value>,
}

/// The packed outcome of a copy: `result`, with `count` above it.
fn packed(future: bool, count: u32, result: u32) -> u32 {
    match future {
        true => result,
        false => (count << 4) | result,
    }
}

fn event_code(future: bool, reading: bool) -> u32 {
    match (future, reading) {
        (false, true) => super::EVENT_STREAM_READ,
        (false, false) => super::EVENT_STREAM_WRITE,
        (true, true) => super::EVENT_FUTURE_READ,
        (true, false) => super::EVENT_FUTURE_WRITE,
    }
}

impl Channel {
    /// The host at both ends, with its source and its sink: `pump` moves
    /// its bytes.
    pub(super) fn pumped(&self) -> bool {
        self.source.is_some() && self.sink.is_some()
    }

    fn side(&mut self, reading: bool) -> &mut EndState {
        match reading {
            true => &mut self.read,
            false => &mut self.write,
        }
    }
}

impl Concurrency {
    pub(super) fn channel(&mut self, c: u32) -> &mut Channel {
        self.channels[c as usize]
            .as_mut()
            .expect("an end names its live channel")
    }

    /// A new channel and its two ends' objects (not yet in any table).
    pub(super) fn new_channel(
        &mut self,
        elem: (u32, u32),
        numeric: bool,
        future: bool,
    ) -> (u32, u32) {
        let channel = Channel {
            elem,
            numeric,
            future,
            readable: None,
            writable: None,
            read: EndState::default(),
            write: EndState::default(),
            sink: None,
            source: None,
            readying: None,
            value: None,
        };
        let c = match self.free_channels.pop() {
            Some(c) => {
                self.channels[c as usize] = Some(channel);
                c
            }
            None => {
                self.channels.push(Some(channel));
                self.channels.len() as u32 - 1
            }
        };
        let end = |readable| Object::End {
            waitable: Default::default(),
            channel: c,
            readable,
            handle: 0,
            instance: 0,
        };
        let r = self.insert(end(true));
        let w = self.insert(end(false));
        let ch = self.channel(c);
        ch.readable = Some(r);
        ch.writable = Some(w);
        (r, w)
    }

    /// Record where end `id` lives, for its events.
    pub(super) fn place(&mut self, id: u32, handle: u32, instance_of: u32) {
        if let Object::End {
            handle: h,
            instance,
            ..
        } = self.object(id)
        {
            *h = handle;
            *instance = instance_of;
        }
    }

    /// Whether readable end `id` has a read in progress.
    pub(super) fn reading(&mut self, id: u32) -> bool {
        let (c, _) = self.end(id);
        self.channel(c).read.op.is_some()
    }

    /// Whether readable end `id` is done for good: told that its writer
    /// dropped, or, a future's, its value read.
    pub(super) fn done_reading(&mut self, id: u32) -> bool {
        let (c, _) = self.end(id);
        let ch = self.channel(c);
        ch.read.told_dropped || ch.future && ch.read.succeeded
    }

    /// The size and alignment of end `id`'s elements.
    pub(super) fn elem_of(&mut self, id: u32) -> (u32, u32) {
        let (c, _) = self.end(id);
        self.channel(c).elem
    }

    /// End `id`'s channel, and whether it is the readable end.
    fn end(&mut self, id: u32) -> (u32, bool) {
        match self.object(id) {
            Object::End {
                channel, readable, ..
            } => (*channel, *readable),
            _ => unreachable!("checked to be an end"),
        }
    }

    /// The event end `id` has for its owner, taken: its finished
    /// operation's, or the news that the other end dropped.
    pub(super) fn take_end_event(&mut self, id: u32, handle: u32) -> Option<Event> {
        let (c, reading) = self.end(id);
        let ch = self.channel(c);
        let future = ch.future;
        let side = ch.side(reading);
        if let Some(Pending {
            outcome: Some(result),
            done,
            ..
        }) = side.op
        {
            side.op = None;
            if result == COPY_DROPPED {
                side.told_dropped = true;
            } else if future && result == COPY_COMPLETED {
                side.succeeded = true;
            }
            return Some(Event {
                code: event_code(future, reading),
                index: handle,
                payload: packed(future, done, result),
            });
        }
        let e = self.waitable(id).and_then(|w| w.event.take());
        if e.is_some() {
            let ch = self.channel(c);
            ch.side(reading).told_dropped = true;
        }
        // Numbered as the end is now: it may have moved since.
        e.map(|e| Event { index: handle, ..e })
    }

    /// A trap unless end `id` may begin a read (or write): no operation
    /// of its own under way, and not done for good.
    pub(super) fn check_idle(&mut self, id: u32, reading: bool) -> Result<(), Trap> {
        let (c, _) = self.end(id);
        let ch = self.channel(c);
        let future = ch.future;
        let mine = *ch.side(reading);
        if mine.op.is_some() {
            return Err(trap(
                "cannot have concurrent operations active on a future/stream",
            ));
        }
        if mine.told_dropped || future && mine.succeeded {
            return Err(trap(match (future, reading) {
                (true, true) => "cannot read from future after previous read succeeded",
                (true, false) => {
                    "cannot write to future after previous write succeeded or readable end dropped"
                }
                (false, true) => "cannot read after being notified that the writable end dropped",
                (false, false) => "cannot write after being notified that the readable end dropped",
            }));
        }
        Ok(())
    }

    /// A read (or write) through end `id`, which `check_idle` allowed:
    /// its packed outcome, or `BLOCKED`; or, for values other than
    /// numbers between two instances, the copy to make (`copy_values`),
    /// which calls the reader's `realloc` and so runs with no borrow of
    /// this held, and then `finish_copy`.
    pub(super) fn copy(&mut self, id: u32, reading: bool, op: Pending) -> Result<Copied, Trap> {
        let (c, _) = self.end(id);
        let ch = self.channel(c);
        let future = ch.future;
        let other_end = if reading { ch.writable } else { ch.readable };
        if other_end.is_none() {
            let ch = self.channel(c);
            ch.side(reading).told_dropped = true;
            // A dropped event left on this end is now told.
            self.waitable(id).map(|w| w.event.take());
            return Ok(Copied::Done(packed(future, 0, COPY_DROPPED)));
        }
        let ch = self.channel(c);
        if other_end == Some(HOST) {
            return self.copy_with_host(c, reading, op).map(Copied::Done);
        }
        let theirs = ch.side(!reading).op;
        let Some(mut other) = theirs.filter(|o| o.outcome.is_none() || o.done < o.count) else {
            ch.side(reading).op = Some(op);
            return Ok(Copied::Done(super::BLOCKED));
        };
        // Whatever either side's length (the spec's temporary rule).
        let numeric = ch.numeric;
        if !numeric && self.instance_of(id) == other_end.and_then(|o| self.instance_of(o)) {
            return Err(trap(
                "cannot read from and write to intra-component future/stream with non-numeric payload",
            ));
        }
        let ch = self.channel(c);
        match (op.count, other.count) {
            // Only asking: the other side stays as it was.
            (0, n) if n > 0 => return Ok(Copied::Done(packed(future, 0, COPY_COMPLETED))),
            (0, _) if reading => {
                // A zero-length write waits: tell it, and wait in turn.
                other.outcome = Some(COPY_COMPLETED);
                ch.side(false).op = Some(other);
                ch.side(true).op = Some(op);
                return Ok(Copied::Done(super::BLOCKED));
            }
            (0, _) => return Ok(Copied::Done(packed(future, 0, COPY_COMPLETED))),
            (_, 0) => {
                // The other side only asked: tell it, and wait.
                other.outcome = Some(COPY_COMPLETED);
                ch.side(!reading).op = Some(other);
                ch.side(reading).op = Some(op);
                return Ok(Copied::Done(super::BLOCKED));
            }
            _ => {}
        }
        let ch = self.channel(c);
        let n = op.count.min(other.count - other.done);
        let elem = ch.elem;
        let (from, to) = match reading {
            true => (other, op),
            false => (op, other),
        };
        let copy = ValueCopy {
            channel: c,
            reading,
            from,
            to,
            n,
        };
        match numeric {
            true => {
                copy_elements(elem, &from, &to, n)?;
                Ok(Copied::Done(self.finish_copy(copy)?))
            }
            false => Ok(Copied::Values(copy)),
        }
    }

    /// Record that `copy` was made: the waiting side's operation has its
    /// values, and reports them when its owner next looks. The packed
    /// outcome of the side that made it; a trap if the waiting side's
    /// operation changed while the values were copied (a destructor the
    /// reader's `realloc` ran may have reached its instance).
    pub(super) fn finish_copy(&mut self, copy: ValueCopy) -> Result<u32, Trap> {
        let ValueCopy {
            channel: c,
            reading,
            from,
            to,
            n,
        } = copy;
        let mut other = if reading { from } else { to };
        // The waiting side is the writer when reading, the reader when not.
        let unchanged = (self.channels.get(c as usize).and_then(Option::as_ref))
            .and_then(|ch| if reading { ch.write.op } else { ch.read.op })
            .is_some_and(|now| now.same_as(&other));
        if !unchanged {
            return Err(trap(
                "a stream's waiting operation changed while values were copied to or from it",
            ));
        }
        other.done += n;
        other.outcome = Some(COPY_COMPLETED);
        let ch = self.channel(c);
        let future = ch.future;
        ch.side(!reading).op = Some(other);
        if future {
            ch.side(reading).succeeded = true;
        }
        Ok(packed(future, n, COPY_COMPLETED))
    }

    /// A guest's read or write whose other side is the host's.
    fn copy_with_host(&mut self, c: u32, reading: bool, op: Pending) -> Result<u32, Trap> {
        let ch = self.channel(c);
        let future = ch.future;
        if op.count == 0 {
            return Ok(packed(future, 0, COPY_COMPLETED));
        }
        match (reading, future) {
            (false, _) => match &mut ch.sink {
                // The host has not started reading, or its sink is full:
                // the write waits.
                None => {
                    ch.write.op = Some(op);
                    Ok(super::BLOCKED)
                }
                Some(_) if ch.readying.is_some() => {
                    ch.write.op = Some(op);
                    Ok(super::BLOCKED)
                }
                Some(sink) => {
                    if let Some(io) = sink.wait_for_room() {
                        ch.write.op = Some(op);
                        self.start_drain(c, io);
                        return Ok(super::BLOCKED);
                    }
                    self.write_sink(c, &op)
                }
            },
            (true, false) => {
                let Some(source) = &mut ch.source else {
                    ch.read.op = Some(op);
                    return Ok(super::BLOCKED);
                };
                if ch.readying.is_some() {
                    ch.read.op = Some(op);
                    return Ok(super::BLOCKED);
                }
                if let Some(io) = source.refill() {
                    ch.read.op = Some(op);
                    self.start_refill(c, io);
                    return Ok(super::BLOCKED);
                }
                self.read_source(c, &op)
            }
            (true, true) => match ch.value.take() {
                Some(value) => {
                    // SAFETY: the built-in's context lives with its instance.
                    let mut cx = Cx::new(unsafe { &*op.ctx });
                    value.lower_at(&mut cx, op.ptr)?;
                    ch.read.succeeded = true;
                    ch.writable = None;
                    Ok(COPY_COMPLETED)
                }
                None => {
                    ch.read.op = Some(op);
                    Ok(super::BLOCKED)
                }
            },
        }
    }

    /// A write of `op` to channel `c`'s sink, which has room: the packed
    /// outcome.
    pub(super) fn write_sink(&mut self, c: u32, op: &Pending) -> Result<u32, Trap> {
        let ch = self.channel(c);
        let (future, size) = (ch.future, ch.elem.0 as usize);
        if future {
            return self.give_value(c, op);
        }
        let sink = ch.sink.as_mut().expect("a sink to write");
        let count = match sink.room() {
            Some(bytes) if size > 0 => op
                .count
                .min((bytes / size).clamp(1, u32::MAX as usize) as u32),
            _ => op.count,
        };
        let bytes = match (size, op.memory) {
            (0, _) | (_, None) => &[][..],
            // SAFETY: the caller's store-owned memory, checked to hold the
            // buffer when the operation began.
            (_, Some(m)) => {
                let at = op.ptr as usize;
                &unsafe { &*m }.data()[at..at + count as usize * size]
            }
        };
        if !sink.write(bytes) {
            ch.readable = None;
            ch.write.told_dropped = true;
            return Ok(packed(future, 0, COPY_DROPPED));
        }
        Ok(packed(false, count, COPY_COMPLETED))
    }

    /// The guest writes future `c`, whose reader is the host's sink: the
    /// value goes to the sink, lifted from `op`'s buffer, and the host's
    /// end is done with.
    fn give_value(&mut self, c: u32, op: &Pending) -> Result<u32, Trap> {
        let ch = self.channel(c);
        let (size, align) = ch.elem;
        if align > 0 && op.ptr % align != 0 {
            return Err(trap("write pointer not aligned"));
        }
        let mut sink = ch.sink.take().expect("a sink to write");
        ch.readable = None;
        ch.write.succeeded = true;
        // SAFETY: the built-in's context lives with its instance.
        let mut cx = Cx::new(unsafe { &*op.ctx });
        sink.write_value(&mut cx, op.ptr, size)?;
        sink.close(self);
        Ok(COPY_COMPLETED)
    }

    /// A read of `op` from channel `c`'s source, which has bytes or its
    /// end ready: the packed outcome.
    pub(super) fn read_source(&mut self, c: u32, op: &Pending) -> Result<u32, Trap> {
        let ch = self.channel(c);
        let size = ch.elem.0;
        let source = ch.source.as_mut().expect("a source to read");
        // SAFETY: the built-in's context lives with its instance.
        let mut cx = Cx::new(unsafe { &*op.ctx });
        match source.lower(&mut cx, op.ptr, op.count, size)? {
            Some(n) => Ok(packed(false, n, COPY_COMPLETED)),
            None => {
                ch.writable = None;
                ch.read.told_dropped = true;
                if let Some(source) = ch.source.take() {
                    source.end(self);
                }
                Ok(packed(false, 0, COPY_DROPPED))
            }
        }
    }

    /// The host writes future `c`'s value: lowered into a waiting read's
    /// buffer now (the reader gets its event), handed to the host's own
    /// reader, or kept for the next read.
    pub(super) fn resolve(&mut self, c: u32, value: Value) -> Result<(), Trap> {
        let ch = self.channel(c);
        match ch.read.op {
            Some(mut op) if op.outcome.is_none() => {
                // SAFETY: the built-in's context lives with its instance.
                let mut cx = Cx::new(unsafe { &*op.ctx });
                value.lower_at(&mut cx, op.ptr)?;
                op.outcome = Some(COPY_COMPLETED);
                ch.read.op = Some(op);
                // Written: the channel goes with its reader.
                ch.writable = None;
            }
            _ if ch.readable.is_none() => self.drop_host_writer(c),
            _ => match ch.sink.take() {
                Some(sink) => self.hand_over(c, sink, value),
                None => ch.value = Some(value),
            },
        }
        Ok(())
    }

    /// The host at both ends of future `c`, its reader's `sink` waiting:
    /// the writer's value goes to the sink as it is, nothing lowered, and
    /// the channel is done with.
    fn hand_over(&mut self, c: u32, mut sink: Box<dyn Sink>, value: Value) {
        self.channel(c).readable = None;
        // A future of another type (the guest passed the host's future
        // of one type where one of another, of the same layout, goes) is
        // not delivered: the reader learns it went unwritten.
        let _ = sink.take_value(value.typed);
        self.drop_host_writer(c);
        sink.close(self);
    }

    /// The host starts reading stream `c` into `sink`; a write already
    /// waiting goes to it now.
    pub(super) fn attach_sink(&mut self, c: u32, mut sink: Box<dyn Sink>) {
        let ch = self.channel(c);
        if let Some(value) = ch.value.take() {
            return self.hand_over(c, sink, value);
        }
        if ch.future && ch.writable.is_some() {
            if let Some(mut op) = ch.write.op.take() {
                ch.sink = Some(sink);
                // A value that cannot be lifted (a bad handle in it, say)
                // is not delivered: the sink is dropped without closing.
                let outcome = self.give_value(c, &op).unwrap_or(COPY_DROPPED);
                op.outcome = Some(outcome);
                self.channel(c).write.op = Some(op);
                return;
            }
        }
        let ch = self.channel(c);
        if let Some(mut op) = ch.write.op.take() {
            let size = ch.elem.0 as usize;
            // SAFETY: as in `copy_with_host`.
            let memory = unsafe { &*op.memory.expect("a stream of values has a memory") };
            let at = op.ptr as usize;
            let ok = sink.write(&memory.data()[at..at + op.count as usize * size]);
            op.done = if ok { op.count } else { 0 };
            op.outcome = Some(if ok { COPY_COMPLETED } else { COPY_DROPPED });
            ch.write.op = Some(op);
        }
        if ch.writable.is_none() {
            self.drop_host_reader(c);
            sink.close(self);
        } else {
            ch.sink = Some(sink);
            self.pump(c);
        }
    }

    /// Whether a stream with the host at both ends is being pumped.
    pub(super) fn pumping(&self) -> bool {
        self.channels.iter().flatten().any(Channel::pumped)
    }

    /// With the host at both ends of byte stream `c` (a stream the host
    /// made, which a guest handed back to it, say a file's bytes for
    /// stdout), no guest read or write moves its bytes: move them from
    /// the source to the sink, as much as both take now, up to a turn's
    /// worth; when one side must wait, or the turn is over, a job goes on
    /// later, so that other work is done meanwhile. At the source's end
    /// (or the sink's reader gone) the stream is over for both.
    pub(super) fn pump(&mut self, c: u32) {
        /// Bytes moved before other work gets a turn.
        const TURN: usize = 1 << 20;
        /// Bytes taken from the source at once, for a sink without bound.
        const CHUNK: usize = 64 << 10;
        let mut moved = 0;
        loop {
            let ch = self.channel(c);
            if ch.readying.is_some() || ch.future || ch.elem != (1, 1) {
                return;
            }
            let (Some(source), Some(sink)) = (&mut ch.source, &mut ch.sink) else {
                return;
            };
            if let Some(io) = sink.wait_for_room() {
                return self.start_drain(c, io);
            }
            if let Some(io) = source.refill() {
                return self.start_refill(c, io);
            }
            if moved >= TURN {
                let later: Refill =
                    Box::pin(async { Box::new(()) as Box<dyn std::any::Any + Send> });
                return self.start_drain(c, later);
            }
            let bytes = source.read(sink.room().unwrap_or(CHUNK).max(1));
            let taken = bytes.as_ref().is_some_and(|b| sink.write(b));
            if taken {
                moved += bytes.map_or(0, |b| b.len());
                continue;
            }
            let (source, sink) = (ch.source.take(), ch.sink.take());
            self.channels[c as usize] = None;
            self.free_channels.push(c);
            if let Some(s) = source {
                s.end(self);
            }
            if let Some(s) = sink {
                s.close(self);
            }
            return;
        }
    }

    /// The source of channel `c`, if it is an `S` that `wanted` accepts
    /// and the host holds both ends with no read under way (a stream the
    /// host made and a guest handed back to it): taken, with the writable
    /// end, so that the host may use what it reads from directly.
    pub(super) fn take_source<S: Source>(
        &mut self,
        c: u32,
        wanted: impl FnOnce(&S) -> bool,
    ) -> Option<Box<S>> {
        let ch = self.channel(c);
        let idle = ch.readying.is_none() && ch.read.op.is_none();
        let s = ch
            .source
            .as_ref()
            .and_then(|s| (&**s as &dyn std::any::Any).downcast_ref::<S>());
        if ch.writable != Some(HOST) || !idle || !s.is_some_and(wanted) {
            return None;
        }
        ch.writable = None;
        let source: Box<dyn std::any::Any> = ch.source.take()?;
        source.downcast().ok()
    }

    /// The host drops its readable end of channel `c`: a write waiting
    /// on it completes as dropped, later ones learn it at once.
    pub(super) fn drop_host_reader(&mut self, c: u32) {
        self.drop_host_end(c, true)
    }

    /// The host drops its writable end of future `c` unwritten: a read
    /// waiting on it completes as dropped, later ones learn it at once.
    pub(super) fn drop_host_writer(&mut self, c: u32) {
        self.drop_host_end(c, false)
    }

    /// The host drops its readable (or writable) end of channel `c`; the
    /// channel goes when the guest's end has gone too.
    fn drop_host_end(&mut self, c: u32, readable: bool) {
        if self.closing {
            return;
        }
        let Some(ch) = self.channels.get_mut(c as usize).and_then(Option::as_mut) else {
            return;
        };
        // The host's own reader of what the host no longer writes, or
        // its own source of what the host no longer reads.
        let (mut orphan, mut unread) = (None, None);
        if readable {
            ch.readable = None;
            ch.sink = None;
            if ch.value.take().is_some() {
                ch.writable = None;
            }
            if ch.writable == Some(HOST) && ch.source.is_some() {
                ch.writable = None;
                unread = ch.source.take();
            }
        } else {
            ch.writable = None;
            ch.source = None;
            if ch.readable == Some(HOST) && ch.sink.is_some() {
                ch.readable = None;
                orphan = ch.sink.take();
            }
        }
        if let Some(job) = ch.readying.take() {
            self.jobs.abort(job);
        }
        if let Some(op) = &mut ch.side(!readable).op {
            if op.outcome.is_none() {
                op.outcome = Some(COPY_DROPPED);
            }
        }
        if ch.readable.is_none() && ch.writable.is_none() {
            self.channels[c as usize] = None;
            self.free_channels.push(c);
        }
        if let Some(sink) = orphan {
            sink.close(self);
        }
        // Dropped unended, as when a guest drops its reader: what the
        // source writes besides (a body's trailers) learns it went unread.
        drop(unread);
    }

    /// Cancel end `id`'s operation: its outcome, which an undelivered
    /// event gives if it has one.
    pub(super) fn cancel(&mut self, id: u32, handle: u32) -> Result<u32, Trap> {
        let (c, reading) = self.end(id);
        let ch = self.channel(c);
        let future = ch.future;
        match ch.side(reading).op {
            None => Err(trap(match reading {
                true => "stream or future read cancelled when no read is pending",
                false => "stream or future write cancelled when no write is pending",
            })),
            Some(Pending {
                outcome: Some(_), ..
            }) => {
                let e = self
                    .take_end_event(id, handle)
                    .expect("an operation with an outcome has an event");
                let (count, result) = (e.payload >> 4, e.payload & 0xf);
                Ok(match (future, result) {
                    (false, COPY_COMPLETED) => packed(false, count, COPY_CANCELLED),
                    _ => e.payload,
                })
            }
            Some(_) => {
                ch.side(reading).op = None;
                Ok(packed(future, 0, COPY_CANCELLED))
            }
        }
    }

    /// Drop end `id`: the other side's operation completes as dropped, or
    /// its idle end gets a dropped event.
    /// The source of a host stream whose reader dropped, for the caller
    /// to drop once it no longer borrows the state (its writers reach it).
    pub(super) fn drop_end(&mut self, id: u32) -> Result<Option<Box<dyn Source>>, Trap> {
        let (c, reading) = self.end(id);
        let ch = self.channel(c);
        let future = ch.future;
        let me = *ch.side(reading);
        if me.op.is_some() {
            return Err(trap(match (future, reading) {
                (false, true) => "cannot remove busy stream",
                (false, false) => "cannot drop busy stream",
                (true, true) => "cannot remove busy future",
                (true, false) => "cannot drop busy future",
            }));
        }
        if future && !reading && !me.succeeded && !me.told_dropped {
            return Err(trap(
                "cannot drop future write end without first writing a value",
            ));
        }
        let other_end = if reading {
            ch.readable = None;
            ch.writable
        } else {
            ch.writable = None;
            ch.readable
        };
        let mut source = None;
        if other_end == Some(HOST) {
            let ch = self.channel(c);
            if reading {
                source = ch.source.take();
                // The host's writer was its source, or the value it wrote:
                // nothing else of the host's names the channel.
                let wrote = ch.value.take().is_some();
                if source.is_some() || wrote {
                    ch.writable = None;
                }
                // A refill under way is no longer wanted.
                if let Some(job) = ch.readying.take() {
                    self.jobs.abort(job);
                }
            } else if let Some(sink) = ch.sink.take() {
                // The host's reader was its sink, which closes now.
                ch.readable = None;
                // A wait for room under way is no longer wanted.
                if let Some(job) = ch.readying.take() {
                    self.jobs.abort(job);
                }
                sink.close(self);
            }
        } else if let Some(other_end) = other_end {
            let ch = self.channel(c);
            let theirs = ch.side(!reading);
            match &mut theirs.op {
                Some(op) if op.outcome.is_none() || op.done < op.count => {
                    op.outcome = Some(COPY_DROPPED)
                }
                Some(_) => {}
                None => {
                    let (code, handle) = (event_code(future, !reading), self.handle_of(other_end));
                    if let Some(w) = self.waitable(other_end) {
                        w.event = Some(Event {
                            code,
                            index: handle,
                            payload: packed(future, 0, COPY_DROPPED),
                        });
                    }
                }
            }
        }
        self.join(id, None);
        self.remove(id);
        let ch = self.channel(c);
        if ch.readable.is_none() && ch.writable.is_none() {
            self.channels[c as usize] = None;
            self.free_channels.push(c);
        }
        Ok(source)
    }

    fn instance_of(&mut self, id: u32) -> Option<u32> {
        match self.object(id) {
            Object::End { instance, .. } => Some(*instance),
            _ => None,
        }
    }

    fn handle_of(&mut self, id: u32) -> u32 {
        match self.object(id) {
            Object::End { handle, .. } => *handle,
            _ => 0,
        }
    }
}

/// Copy `n` elements from `from`'s buffer, past what it has done, to
/// `to`'s (each buffer was checked as its operation began).
fn copy_elements(elem: (u32, u32), from: &Pending, to: &Pending, n: u32) -> Result<(), Trap> {
    let (size, _) = elem;
    if size == 0 || n == 0 {
        return Ok(());
    }
    let bytes = size as usize * n as usize;
    let s = from.ptr as usize + from.done as usize * size as usize;
    let d = to.ptr as usize + to.done as usize * size as usize;
    // SAFETY: store-owned memories, alive while their instances run; the
    // buffers were checked to lie inside them when their operations
    // began, and memories only grow.
    let (src, dst) = unsafe {
        (
            &mut *from.memory.expect("a stream of values has a memory"),
            &mut *to.memory.expect("a stream of values has a memory"),
        )
    };
    if std::ptr::eq(src, dst) {
        src.data_mut().copy_within(s..s + bytes, d);
    } else {
        dst.data_mut()[d..d + bytes].copy_from_slice(&src.data()[s..s + bytes]);
    }
    Ok(())
}
