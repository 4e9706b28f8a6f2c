using LlmSizer.Errors;
using LlmSizer.Hardware;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Hardware;

public class DeviceDocumentReaderTests
{
    private const string MyCard = """
        { "id": "my-card", "name": "My Card", "kind": "gpu", "vendor": "Me", "aliases": ["mine"], "memory": "20GiB",
          "driverMemory": "20000MiB", "bandwidth": "760GB/s", "fp16": "120TF", "interconnect": "PCIe 4.0 x16", "hostLink": "31.5GB/s",
          "source": "my own measurements" }
        """;

    [Fact]
    public void A_file_of_the_catalog_schema_loads_and_joins_the_catalog()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("devices.json", $$"""{ "devices": [ {{MyCard}} ], "storage": [ { "id": "usb-hdd", "name": "USB disk", "read": "120MB/s", "source": "measured" } ] }""");
        var file = DeviceCatalog.LoadFile(path);
        var card = Assert.Single(file.Devices);
        Assert.Equal(20 * (1L << 30), card.MemoryBytes);
        Assert.Equal((20000 - 512) * (1L << 20), card.UsableMemoryBytes);
        Assert.Equal(120e6, Assert.Single(file.Storage).ReadBytesPerSecond);
        var index = DeviceCatalog.WithFile(path);
        Assert.Equal("my-card", index.Resolve("mine x2").Device.Id);
        Assert.Equal("rtx-4090", index.Resolve("4090").Device.Id);
    }

    [Theory]
    [InlineData("\"bandwidth\": \"760GB/s\"", "\"bandwidth\": \"fast\"", "devices[0] (my-card) field 'bandwidth': expected a positive rate in bytes per second such as 1008GB/s or 3.35TB/s, found 'fast'")]
    [InlineData("\"memory\": \"20GiB\"", "\"memory\": \"-1GB\"", "devices[0] (my-card) field 'memory': expected a positive size such as 24GiB or 80GB, found '-1GB'")]
    [InlineData("\"fp16\": \"120TF\"", "\"fp16\": \"0TF\"", "devices[0] (my-card) field 'fp16': expected a positive throughput such as 165.2TF or 660TOPS, found '0TF'")]
    [InlineData("\"kind\": \"gpu\"", "\"kind\": \"npu\"", "devices[0] (my-card) field 'kind': expected gpu, unified or cpu, found 'npu'")]
    [InlineData("\"driverMemory\": \"20000MiB\",", "\"usable\": \"30GiB\", \"usableNote\": \"why not\",", "devices[0] (my-card) field 'usable': 30GiB is more than memory 20GiB")]
    [InlineData("\"driverMemory\": \"20000MiB\",", "\"usable\": \"10GiB\",", "devices[0] (my-card) field 'usableNote': is missing (say why usable memory is what it is)")]
    [InlineData("\"driverMemory\": \"20000MiB\"", "\"driverMemory\": \"30GiB\"", "devices[0] (my-card) field 'driverMemory': 30GiB is more than memory 20GiB")]
    [InlineData("\"source\": \"my own measurements\"", "\"source\": \"\"", "devices[0] (my-card) field 'source': is missing")]
    [InlineData("\"id\": \"my-card\"", "\"id\": \"My Card!\"", "devices[0] (My Card!) field 'id': expected lower-case letters, digits, '.' and '-' (like rtx-4090), found 'My Card!'")]
    public void Errors_name_the_file_the_entry_and_the_field(string from, string to, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.Write("devices.json", $$"""{ "devices": [ {{MyCard.Replace(from, to)}} ] }""");
        var e = Assert.Throws<InputException>(() => DeviceCatalog.LoadFile(path));
        Assert.Equal($"{path}: {expected}", e.Message);
    }

    [Fact]
    public void A_missing_required_field_is_named()
    {
        var e = Assert.Throws<InputException>(() => DeviceDocumentReader.Read("""{ "devices": [ { "id": "x", "name": "X", "kind": "cpu", "vendor": "V", "memory": "8GiB", "fp16": "1TF", "interconnect": "-", "source": "s" } ] }""", "mine.json"));
        Assert.Equal("mine.json: devices[0] (x) field 'bandwidth': is missing", e.Message);
    }

    [Fact]
    public void Unknown_fields_bad_json_and_duplicate_ids_are_input_errors()
    {
        var unknown = Assert.Throws<InputException>(() => DeviceDocumentReader.Read($$"""{ "devices": [ {{MyCard.Replace("\"vendor\"", "\"colour\": \"red\", \"vendor\"")}} ] }""", "mine.json"));
        Assert.StartsWith("mine.json: $.devices[0].colour (line 1): ", unknown.Message);
        Assert.Contains("'colour'", unknown.Message);
        var broken = Assert.Throws<InputException>(() => DeviceDocumentReader.Read("{ \"devices\": [ {", "mine.json"));
        Assert.StartsWith("mine.json: ", broken.Message);
        var twice = Assert.Throws<InputException>(() => DeviceDocumentReader.Read($$"""{ "devices": [ {{MyCard}}, {{MyCard}} ] }""", "mine.json"));
        Assert.Equal("mine.json: devices: id 'my-card' appears more than once", twice.Message);
        var empty = Assert.Throws<InputException>(() => DeviceDocumentReader.Read("{}", "mine.json"));
        Assert.Equal("mine.json: top level: expected an object with \"devices\" and/or \"storage\" lists", empty.Message);
    }
}
