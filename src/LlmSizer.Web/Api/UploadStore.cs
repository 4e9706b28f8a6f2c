using LlmSizer.Formats;

namespace LlmSizer.Web.Api;

/// <summary>
/// Models read from uploaded headers, kept while the server runs so that every later request can name them by id. Bounded:
/// the least recently used entry goes when <see cref="Capacity"/> is reached (an entry holds the tensor inventory, not bytes).
/// </summary>
internal sealed class UploadStore
{
    public const string IdPrefix = "upload:";
    public const int Capacity = 32;
    private readonly Dictionary<string, LinkedListNode<(string Id, ModelSource Source)>> byId = new(StringComparer.OrdinalIgnoreCase);
    private readonly LinkedList<(string Id, ModelSource Source)> order = new();
    private readonly Lock gate = new();

    public void Add(string id, ModelSource source)
    {
        lock (gate)
        {
            if (byId.Remove(id, out var old))
                order.Remove(old);
            byId[id] = order.AddFirst((id, source));
            if (order.Count > Capacity)
            {
                byId.Remove(order.Last!.Value.Id);
                order.RemoveLast();
            }
        }
    }

    public ModelSource? Find(string id)
    {
        lock (gate)
        {
            if (!byId.TryGetValue(id, out var node))
                return null;
            order.Remove(node);
            order.AddFirst(node);
            return node.Value.Source;
        }
    }
}
